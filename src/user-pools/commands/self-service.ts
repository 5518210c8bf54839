import type { Platform } from '../../platform/platform.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { codeMismatchOutcome } from '../user.decider.js';
import { type CodeDeliveryDetails, codeSubject, deliverCode, issueCode, recoveryContact, signUpCodeTarget } from './codes.js';
import { loadUserByName, repeatsRecentPassword, runUserCommand, type ExistingUser } from './user-admin.js';
import type { ActivePool } from '../user-pool.repository.js';
import type { ContactAttribute } from '../user.events.js';


/** ResendConfirmationCode: a new sign-up code for an unconfirmed user. */
export async function resendConfirmationCode(platform: Platform, poolId: string, username: string, context: RequestContext): Promise<CodeDeliveryDetails> {
  const { user, streamId, pool } = await loadUserByName(platform, poolId, username);
  const target = signUpCodeTarget(pool.settings.autoVerifiedAttributes, user.attributes);
  if (!target) throw new InvalidParameterError('Cannot send a confirmation code: the user has no auto-verified email or phone_number');
  const now = new Date();
  const issued = issueCode(platform, user.sub, 'SIGN_UP', target.attribute, target.to, now);
  await runUserCommand(platform, streamId, () => ({ type: 'SendCode', purpose: 'SIGN_UP', code: issued.toSend, now: now.toISOString() }), context, pool);
  return deliverCode(platform, pool.poolId, user.username, 'SIGN_UP', issued);
}

/** ForgotPassword: a reset code to the user's verified email or phone. */
export async function forgotPassword(platform: Platform, poolId: string, username: string, context: RequestContext): Promise<CodeDeliveryDetails> {
  const { user, streamId, pool } = await loadUserByName(platform, poolId, username);
  const contact = recoveryContact(user.attributes, pool.settings.accountRecovery);
  const now = new Date();
  const issued = issueCode(platform, user.sub, 'FORGOT_PASSWORD', contact.attribute, contact.to, now);
  await runUserCommand(platform, streamId, () => ({ type: 'SendCode', purpose: 'FORGOT_PASSWORD', code: issued.toSend, now: now.toISOString() }), context, pool);
  return deliverCode(platform, pool.poolId, user.username, 'FORGOT_PASSWORD', issued);
}

/** ConfirmForgotPassword: the reset code and a new password (policy and history checked). */
export async function confirmForgotPassword(
  platform: Platform,
  input: { poolId: string; username: string; code: string; password: string },
  context: RequestContext,
): Promise<void> {
  const { user, streamId, pool } = await loadUserByName(platform, input.poolId, input.username);
  assertPasswordPolicy(input.password, pool.settings.passwordPolicy);
  const newPasswordHash = await platform.hasher.hash(input.password);
  const reuses = await repeatsRecentPassword(platform, user, input.password, pool.settings.passwordPolicy);
  const { events } = await runUserCommand(
    platform,
    streamId,
    () => ({
      type: 'ConfirmForgotPassword',
      presentedCodeHash: platform.secrets.hashCode(user.sub, codeSubject('FORGOT_PASSWORD'), input.code),
      newPasswordHash,
      reusesRecentPassword: reuses,
      now: new Date().toISOString(),
    }),
    context,
    pool,
  );
  const mismatch = codeMismatchOutcome(events);
  if (mismatch) throw mismatch;
}

/** ChangePassword (access token): the previous password proves it is the user. */
export async function changePassword(
  platform: Platform,
  args: { pool: ActivePool; user: ExistingUser; streamId: string; previous: string; proposed: string; context: RequestContext },
): Promise<void> {
  assertPasswordPolicy(args.proposed, args.pool.settings.passwordPolicy);
  const previousPasswordOk = await platform.hasher.verify(args.user.passwordHash, args.previous);
  const newPasswordHash = await platform.hasher.hash(args.proposed);
  const reuses = await repeatsRecentPassword(platform, args.user, args.proposed, args.pool.settings.passwordPolicy);
  await runUserCommand(
    platform,
    args.streamId,
    () => ({ type: 'ChangePassword', previousPasswordOk, newPasswordHash, reusesRecentPassword: reuses, now: new Date().toISOString() }),
    args.context,
    args.pool,
  );
}

/** VerifyUserAttribute (access token): the code sent to the (pending) email/phone. */
export async function verifyUserAttribute(
  platform: Platform,
  args: { pool: ActivePool; user: ExistingUser; streamId: string; attribute: ContactAttribute; code: string; context: RequestContext },
): Promise<void> {
  const { events } = await runUserCommand(
    platform,
    args.streamId,
    () => ({
      type: 'VerifyAttribute',
      attribute: args.attribute,
      presentedCodeHash: platform.secrets.hashCode(args.user.sub, codeSubject('VERIFY_ATTRIBUTE', args.attribute), args.code),
      now: new Date().toISOString(),
    }),
    args.context,
    args.pool,
  );
  const mismatch = codeMismatchOutcome(events);
  if (mismatch) throw mismatch;
}
