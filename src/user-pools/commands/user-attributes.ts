import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { assertMutable, assertNoDeveloperOnly, validateAttributes } from '../attributes.js';
import { type CodeDeliveryDetails, Codes, type IssuedCode, type MessageHook } from '../codes.js';
import { hookAttributes } from '../post-confirmation.js';
import type { ActivePool } from '../pools.js';
import { effectiveSchema } from '../schema.js';
import type { AttributeVerification } from '../user.decider.js';
import type { ContactAttribute } from '../user.events.js';
import { UserTargets, type UserTarget } from '../user-target.js';
import { Users } from '../users.js';

const CONTACTS: ContactAttribute[] = ['email', 'phone_number'];
const READ_ONLY = new Set(['sub']);

/** The pool's rules for a changed contact, as the decider applies them. */
export const verificationRules = (pool: ActivePool): AttributeVerification => ({
  autoVerified: pool.settings.autoVerifiedAttributes.filter((a): a is ContactAttribute => CONTACTS.includes(a as ContactAttribute)),
  keepOriginalUntilVerified: pool.settings.attributesRequireVerificationBeforeUpdate.filter((a): a is ContactAttribute =>
    CONTACTS.includes(a as ContactAttribute),
  ),
});

/**
 * Checks attributes a caller wants to set against the schema and who may set what (admins may set
 * `*_verified` and developer-only attributes; users may not; `sub` never). Returns them as the
 * decider takes them (booleans canonical).
 */
export function checkedAttributeUpdate(pool: ActivePool, attributes: Record<string, string>, byAdmin: boolean): Record<string, string> {
  for (const name of Object.keys(attributes)) {
    if (READ_ONLY.has(name)) throw new InvalidParameterError(`Cannot modify the non-mutable attribute ${name}`);
    if (!byAdmin && /_verified$/.test(name)) throw new InvalidParameterError(`Cannot modify ${name}: only an administrator can`);
  }
  const schema = effectiveSchema(pool.settings.schema);
  const checked = validateAttributes(attributes, schema, { checkRequired: false, allowVerifiedFlags: byAdmin, allowDeveloperOnly: byAdmin });
  const { email_verified: _e, phone_number_verified: _p, ...plain } = checked;
  assertMutable(schema, Object.keys(plain));
  return checked;
}

/** Cognito's answer for attribute names the pool's schema does not have (one line per name). */
const notInSchema = (names: readonly string[]) =>
  new InvalidParameterError(`Invalid user attributes: \n${names.map((name) => `user.${name}: Attribute does not exist in the schema.`).join('\n')}\n`);

/** A code for each new contact value the input carries that the pool auto-verifies; the decider uses those it needs. */
export function codeCandidates(codes: Codes, pool: ActivePool, sub: string, attributes: Record<string, string>, now: Date): Map<ContactAttribute, IssuedCode> {
  const out = new Map<ContactAttribute, IssuedCode>();
  for (const attribute of verificationRules(pool).autoVerified) {
    const to = attributes[attribute];
    if (to) out.set(attribute, codes.issue(sub, 'VERIFY_ATTRIBUTE', { attribute, to }, now));
  }
  return out;
}

/** Update[Admin]UserAttributes: what becomes unverified, waits or gets a code is decided on the fresh state. */
export class UpdateUserAttributesCommand extends UseCaseCommand<
  {
    target: UserTarget;
    attributes: Record<string, string>;
    clientMetadata?: Record<string, string>;
    /** A conditional update (REST If-Match): only while the user's stream is at this revision, else 412. */
    expectedRevision?: bigint;
  },
  CodeDeliveryDetails[]
> {}

@CommandHandler(UpdateUserAttributesCommand)
export class UpdateUserAttributesHandler implements ICommandHandler<UpdateUserAttributesCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: UpdateUserAttributesCommand): Promise<CodeDeliveryDetails[]> {
    const target = await this.targets.resolve(input.target, context);
    target.caller?.assertWritable(Object.keys(input.attributes));
    const attributes = checkedAttributeUpdate(target.pool, input.attributes, target.byAdmin);
    const now = this.clock.now();
    const candidates = codeCandidates(this.codes, target.pool, target.user.sub, attributes, now);
    const { events, state } = await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now,
      expectedRevision: input.expectedRevision,
      command: () => ({
        type: 'UpdateAttributes',
        attributes,
        verification: verificationRules(target.pool),
        codes: Object.fromEntries([...candidates].map(([a, c]) => [a, c.toSend])),
        now: now.toISOString(),
      }),
    });
    const username = state.exists ? state.username : target.user.username;
    return deliverSentCodes(this.codes, target.pool, username, events, candidates, {
      ...(state.exists ? { userAttributes: hookAttributes(state) } : {}),
      ...(target.caller ? { clientId: target.caller.clientId } : {}),
      clientMetadata: input.clientMetadata ?? {},
      context: target.context,
    });
  }
}

/** Delivers the candidate codes the decider recorded as sent (in event order), in the words of the pool's templates. */
export async function deliverSentCodes(
  codes: Codes,
  pool: ActivePool | string,
  username: string,
  events: ReadonlyArray<{ type: string; data: unknown }>,
  candidates: ReadonlyMap<ContactAttribute, IssuedCode>,
  hook: Omit<MessageHook, 'source'> = {},
): Promise<CodeDeliveryDetails[]> {
  const out: CodeDeliveryDetails[] = [];
  for (const event of events) {
    if (event.type !== 'ConfirmationCodeSent') continue;
    const issued = candidates.get((event.data as { attribute: ContactAttribute }).attribute);
    if (issued) out.push(await codes.deliver(pool, username, 'VERIFY_ATTRIBUTE', issued, { ...hook, source: 'UpdateUserAttribute' }));
  }
  return out;
}

/**
 * Delete[Admin]UserAttributes: names the schema does not have are refused; required, immutable
 * and read-only attributes stay; developer-only ones only an admin may delete.
 */
export class DeleteUserAttributesCommand extends UseCaseCommand<{ target: UserTarget; names: string[] }, void> {}

@CommandHandler(DeleteUserAttributesCommand)
export class DeleteUserAttributesHandler implements ICommandHandler<DeleteUserAttributesCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly users: Users,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: DeleteUserAttributesCommand): Promise<void> {
    const target = await this.targets.resolve(input.target, context);
    const schema = effectiveSchema(target.pool.settings.schema);
    const unknown = input.names.filter((name) => !schema.some((a) => a.name === name));
    if (unknown.length > 0) throw notInSchema(unknown);
    if (!target.byAdmin) assertNoDeveloperOnly(input.names);
    target.caller?.assertWritable(input.names);
    for (const name of input.names) {
      if (READ_ONLY.has(name)) throw new InvalidParameterError(`Cannot delete the attribute ${name}`);
      if (schema.find((a) => a.name === name)?.required) throw new InvalidParameterError(`Cannot delete the required attribute ${name}`);
    }
    assertMutable(schema, input.names);
    const now = this.clock.now();
    await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now,
      command: () => ({ type: 'DeleteAttributes', names: input.names, now: now.toISOString() }),
    });
  }
}
