import type { Platform } from '../../platform/platform.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { assertMutable, validateAttributes } from '../attributes.js';
import { effectiveSchema } from '../schema.js';
import type { ActivePool } from '../user-pool.repository.js';
import type { ContactAttribute } from '../user.events.js';
import { type CodeDeliveryDetails, type IssuedCode, deliverCode, details, issueCode } from './codes.js';
import { type ExistingUser, runUserCommand } from './user-admin.js';

const CONTACTS: ContactAttribute[] = ['email', 'phone_number'];
const READ_ONLY = new Set(['sub']);

/** Pools may require verification before a new email/phone replaces the old one (UserAttributeUpdateSettings). */
const keepsOriginalUntilVerified = (pool: ActivePool, attribute: ContactAttribute) =>
  pool.settings.attributesRequireVerificationBeforeUpdate.includes(attribute);

/**
 * Update[Admin]UserAttributes:
 * - a changed email/phone becomes unverified; when the pool auto-verifies it, a code is sent
 *   to the new value (and with UserAttributeUpdateSettings the old value stays until verified);
 * - admins may set `*_verified` directly (then no code is sent); users may not.
 */
export async function updateUserAttributes(
  platform: Platform,
  args: { pool: ActivePool; user: ExistingUser; streamId: string; attributes: Record<string, string>; byAdmin: boolean; context: RequestContext },
): Promise<CodeDeliveryDetails[]> {
  const { pool, user, streamId, byAdmin } = args;
  for (const name of Object.keys(args.attributes)) {
    if (READ_ONLY.has(name)) throw new InvalidParameterError(`Cannot modify the non-mutable attribute ${name}`);
    if (!byAdmin && /_verified$/.test(name)) throw new InvalidParameterError(`Cannot modify ${name}: only an administrator can`);
  }
  const { email_verified, phone_number_verified, ...plain } = args.attributes;
  const schema = effectiveSchema(pool.settings.schema);
  validateAttributes(args.attributes, schema, { checkRequired: false, allowVerifiedFlags: byAdmin });
  assertMutable(schema, Object.keys(plain));
  const set: Record<string, string> = { ...plain };
  if (email_verified !== undefined) set.email_verified = email_verified;
  if (phone_number_verified !== undefined) set.phone_number_verified = phone_number_verified;
  const pending: Partial<Record<ContactAttribute, string>> = {};
  const codes: IssuedCode[] = [];
  const now = new Date();
  for (const attribute of CONTACTS) {
    const value = plain[attribute];
    if (value === undefined || value === user.attributes[attribute]) continue;
    const markedVerified = set[`${attribute}_verified`] === 'true';
    if (markedVerified) continue;
    if (keepsOriginalUntilVerified(pool, attribute) && user.attributes[attribute]) {
      delete set[attribute];
      pending[attribute] = value;
    } else {
      set[`${attribute}_verified`] = 'false';
    }
    if (pool.settings.autoVerifiedAttributes.includes(attribute)) codes.push(issueCode(platform, user.sub, 'VERIFY_ATTRIBUTE', attribute, value, now));
  }
  await runUserCommand(
    platform,
    streamId,
    () => ({ type: 'UpdateAttributes', attributes: set, pending, codes: codes.map((c) => c.toSend), now: now.toISOString() }),
    args.context,
    pool,
  );
  const out: CodeDeliveryDetails[] = [];
  for (const issued of codes) out.push(await deliverCode(platform, pool.poolId, user.username, 'VERIFY_ATTRIBUTE', issued));
  return out;
}

export async function deleteUserAttributes(
  platform: Platform,
  args: { pool: ActivePool; user: ExistingUser; streamId: string; names: string[]; context: RequestContext },
): Promise<void> {
  const schema = effectiveSchema(args.pool.settings.schema);
  for (const name of args.names) {
    if (READ_ONLY.has(name)) throw new InvalidParameterError(`Cannot delete the attribute ${name}`);
    if (schema.find((a) => a.name === name)?.required) throw new InvalidParameterError(`Cannot delete the required attribute ${name}`);
  }
  assertMutable(schema, args.names);
  await runUserCommand(platform, args.streamId, () => ({ type: 'DeleteAttributes', names: args.names, now: new Date().toISOString() }), args.context, args.pool);
}

/** GetUserAttributeVerificationCode: a code to the attribute's current (or pending) value. */
export async function sendAttributeVerificationCode(
  platform: Platform,
  args: { pool: ActivePool; user: ExistingUser; streamId: string; attribute: string; context: RequestContext },
): Promise<CodeDeliveryDetails> {
  const attribute = args.attribute as ContactAttribute;
  if (!CONTACTS.includes(attribute)) throw new InvalidParameterError(`Attribute ${args.attribute} cannot be verified`);
  const to = args.user.pending[attribute] ?? args.user.attributes[attribute];
  if (!to) throw new InvalidParameterError(`User has no ${attribute}`);
  const now = new Date();
  const issued = issueCode(platform, args.user.sub, 'VERIFY_ATTRIBUTE', attribute, to, now);
  await runUserCommand(platform, args.streamId, () => ({ type: 'SendCode', purpose: 'VERIFY_ATTRIBUTE', code: issued.toSend, now: now.toISOString() }), args.context, args.pool);
  await deliverCode(platform, args.pool.poolId, args.user.username, 'VERIFY_ATTRIBUTE', issued);
  return details(issued);
}
