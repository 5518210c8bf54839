import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import { InvalidParameterError, UnsupportedUserStateError, UsernameExistsError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { claimChanges, claimConflict, userClaims } from '../aliases.js';
import { effectiveSchema } from '../schema.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { loadPool } from '../user-pool.repository.js';
import { userDecider } from '../user.decider.js';
import { userStream } from '../user.events.js';
import { type CodeDeliveryDetails, deliverCode, issueCode, recoveryContact, temporaryPassword } from './codes.js';
import { waitForReadModels } from './consistency.js';
import { type ExistingUser, loadUserByName, repeatsRecentPassword, runUserCommand } from './user-admin.js';

export interface AdminCreateUserInput {
  poolId: string;
  username: string;
  attributes: Record<string, string>;
  temporaryPassword?: string;
  messageAction?: 'RESEND' | 'SUPPRESS';
  desiredDeliveryMediums?: Array<'EMAIL' | 'SMS'>;
}


/** Sends the invitation with the temporary password (the only message that carries a password). */
async function invite(platform: Platform, poolId: string, username: string, attributes: Record<string, string>, password: string, mediums: Array<'EMAIL' | 'SMS'>) {
  for (const medium of mediums) {
    const to = medium === 'EMAIL' ? attributes.email : attributes.phone_number;
    if (!to) throw new InvalidParameterError(`User has no attribute for ${medium} delivery`);
    await platform.delivery.send({
      poolId,
      username,
      medium,
      to,
      purpose: 'INVITATION',
      subject: 'Your temporary password',
      body: `Your username is ${username} and temporary password is ${password}`,
    });
  }
}

/**
 * AdminCreateUser: a new user in FORCE_CHANGE_PASSWORD with a temporary password (given or
 * generated to the policy), invited by email/SMS unless SUPPRESS; RESEND re-invites an
 * existing FORCE_CHANGE_PASSWORD user with a new temporary password.
 */
export async function adminCreateUser(platform: Platform, input: AdminCreateUserInput, context: RequestContext): Promise<ExistingUser> {
  const pool = await loadPool(platform.store, input.poolId);
  validateUsername(input.username);
  const sub = randomUUID();
  // Admins may mark contact attributes verified at creation; all must fit the pool's schema.
  const identity = input.messageAction === 'RESEND' ? { username: input.username, attributes: input.attributes } : signUpIdentity(pool.settings, input.username, input.attributes, sub);
  const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema), { checkRequired: input.messageAction !== 'RESEND', allowVerifiedFlags: true });
  const password = input.temporaryPassword ?? temporaryPassword(pool.settings.passwordPolicy);
  assertPasswordPolicy(password, pool.settings.passwordPolicy);
  const mediums = input.desiredDeliveryMediums ?? ['SMS'];
  const deliverTo = mediums.filter((m) => (m === 'EMAIL' ? attributes.email : attributes.phone_number));
  const passwordHash = await platform.hasher.hash(password);

  if (input.messageAction === 'RESEND') {
    const { user, streamId } = await loadUserByName(platform, pool.poolId, input.username);
    if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new UnsupportedUserStateError('Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.');
    const { state } = await runUserCommand(platform, streamId, () => ({ type: 'SetPassword', newPasswordHash: passwordHash, permanent: false, reason: 'ADMIN_SET', reusesRecentPassword: false, now: new Date().toISOString() }), context, pool);
    await invite(platform, pool.poolId, user.username, user.attributes, password, mediums.filter((m) => (m === 'EMAIL' ? user.attributes.email : user.attributes.phone_number)));
    if (!state.exists) throw new Error('user vanished');
    return state;
  }

  const now = new Date();
  try {
    const result = await handleCommand({
      store: platform.store,
      streamId: userStream(pool.poolId, sub),
      newStream: true,
      decider: userDecider,
      context,
      now,
      unique: () => claimChanges([], userClaims(pool, { username: identity.username, attributes }), (scope, value) => platform.secrets.uniqueValue(scope, value)),
      command: () => ({ type: 'CreateUserByAdmin' as const, poolId: pool.poolId, sub, username: identity.username, attributes, passwordHash, now: now.toISOString() }),
    });
    if (input.messageAction !== 'SUPPRESS') await invite(platform, pool.poolId, identity.username, attributes, password, deliverTo);
    await waitForReadModels(platform, result.append?.position);
    if (!result.state.exists) throw new Error('user not created');
    return result.state;
  } catch (error) {
    const conflict = claimConflict(error, pool);
    throw conflict instanceof UsernameExistsError ? new UsernameExistsError('User account already exists') : conflict;
  }
}

/** AdminSetUserPassword: permanent (CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD). */
export async function adminSetUserPassword(platform: Platform, input: { poolId: string; username: string; password: string; permanent: boolean }, context: RequestContext) {
  const { user, streamId, pool } = await loadUserByName(platform, input.poolId, input.username);
  assertPasswordPolicy(input.password, pool.settings.passwordPolicy);
  const newPasswordHash = await platform.hasher.hash(input.password);
  const reuses = await repeatsRecentPassword(platform, user, input.password, pool.settings.passwordPolicy);
  await runUserCommand(platform, streamId, () => ({ type: 'SetPassword', newPasswordHash, permanent: input.permanent, reason: 'ADMIN_SET', reusesRecentPassword: reuses, now: new Date().toISOString() }), context, pool);
}

/** AdminResetUserPassword: the password stops working; a reset code goes to a verified contact. */
export async function adminResetUserPassword(platform: Platform, input: { poolId: string; username: string }, context: RequestContext): Promise<void> {
  const { user, streamId, pool } = await loadUserByName(platform, input.poolId, input.username);
  const contact = (() => {
    try {
      return recoveryContact(user.attributes, pool.settings.accountRecovery);
    } catch {
      return undefined; // Cognito still resets; the user then needs an admin to set a password
    }
  })();
  const now = new Date();
  const issued = contact ? issueCode(platform, user.sub, 'FORGOT_PASSWORD', contact.attribute, contact.to, now) : undefined;
  await runUserCommand(platform, streamId, () => ({ type: 'RequirePasswordReset', code: issued?.toSend, now: now.toISOString() }), context, pool);
  if (issued) await deliverCode(platform, pool.poolId, user.username, 'FORGOT_PASSWORD', issued);
}

export type { CodeDeliveryDetails };
