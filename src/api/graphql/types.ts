import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { CAPABILITIES } from '../rest/capabilities.js';
import { CAPABILITY_TYPES } from './capability-types.generated.js';

/**
 * The GraphQL surface's types (code-first). They mirror the REST shapes (src/api/rest/presenters.ts
 * builds both); revisions are strings because a stream revision can outgrow GraphQL's Int.
 */

@ObjectType({ description: 'One attribute of a user' })
export class Attribute {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType()
export class PasswordPolicy {
  @Field(() => Int) minimumLength!: number;
  @Field() requireUppercase!: boolean;
  @Field() requireLowercase!: boolean;
  @Field() requireNumbers!: boolean;
  @Field() requireSymbols!: boolean;
  @Field(() => Int) temporaryPasswordValidityDays!: number;
}

@ObjectType()
export class UserPool {
  @Field(() => ID) poolId!: string;
  @Field() name!: string;
  @Field() region!: string;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field(() => PasswordPolicy) passwordPolicy!: PasswordPolicy;
  @Field() usernameCaseSensitive!: boolean;
  @Field(() => [String]) autoVerifiedAttributes!: string[];
  @Field(() => Int, { nullable: true }) estimatedNumberOfUsers?: number;
  @Field({ nullable: true, description: "The pool's revision (DescribeUserPool only): pass it as expectedRevision to update conditionally" }) revision?: string;
  @Field(() => JSONScalar, { nullable: true, description: "The trigger hooks: Cognito's LambdaConfig (absent: none)" }) lambdaConfig?: unknown;
}

@ObjectType()
export class UserPoolSummary {
  @Field(() => ID) poolId!: string;
  @Field() name!: string;
  @Field() region!: string;
  @Field() createdAt!: string;
}

@ObjectType()
export class UserPoolPage {
  @Field(() => [UserPoolSummary]) nodes!: UserPoolSummary[];
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class AppClient {
  @Field(() => ID) clientId!: string;
  @Field() poolId!: string;
  @Field() clientName!: string;
  @Field({ nullable: true, description: 'Present when the client has a secret' }) clientSecret?: string;
  @Field(() => [String]) explicitAuthFlows!: string[];
  @Field(() => Int) accessTokenValidity!: number;
  @Field(() => Int) idTokenValidity!: number;
  @Field(() => Int) refreshTokenValidity!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType()
export class AppClientSummary {
  @Field(() => ID) clientId!: string;
  @Field() poolId!: string;
  @Field() clientName!: string;
}

@ObjectType()
export class AppClientPage {
  @Field(() => [AppClientSummary]) nodes!: AppClientSummary[];
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class User {
  @Field(() => ID) sub!: string;
  @Field() username!: string;
  @Field() status!: string;
  @Field() enabled!: boolean;
  @Field(() => [Attribute]) attributes!: Attribute[];
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field({ nullable: true, description: "The user's revision (admin reads): pass it as expectedRevision to update conditionally" }) revision?: string;
}

@ObjectType({ description: 'A page of users; pass endCursor as `after` for the next one (null: no more)' })
export class UserConnection {
  @Field(() => [User]) nodes!: User[];
  @Field({ nullable: true }) endCursor?: string;
  @Field() hasNextPage!: boolean;
}

@ObjectType()
export class Group {
  @Field(() => ID) groupName!: string;
  @Field() poolId!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) precedence?: number;
  @Field({ nullable: true }) roleArn?: string;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field({ nullable: true, description: "The group's revision (group query only)" }) revision?: string;
}

@ObjectType()
export class GroupPage {
  @Field(() => [Group]) nodes!: Group[];
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class AuthEvent {
  @Field(() => ID) eventId!: string;
  @Field() type!: string;
  @Field() at!: string;
  @Field() outcome!: string;
  @Field() passwordOk!: boolean;
  @Field({ nullable: true }) clientIp?: string;
  @Field({ nullable: true }) userAgent?: string;
}

@ObjectType({ description: 'Sign-in attempts, newest first. To poll: ask for the first page and stop at an eventId already seen' })
export class AuthEventPage {
  @Field(() => [AuthEvent]) nodes!: AuthEvent[];
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class CodeDelivery {
  @Field() destination!: string;
  @Field() deliveryMedium!: string;
  @Field() attributeName!: string;
}

@ObjectType()
export class SignUpResult {
  @Field() userSub!: string;
  @Field() userConfirmed!: boolean;
  @Field(() => CodeDelivery, { nullable: true }) codeDeliveryDetails?: CodeDelivery;
}

@ObjectType()
export class Tokens {
  @Field() accessToken!: string;
  @Field() idToken!: string;
  @Field({ nullable: true }) refreshToken?: string;
  @Field(() => Int) expiresIn!: number;
  @Field() tokenType!: string;
}

@ObjectType()
export class Challenge {
  @Field() name!: string;
  @Field({ nullable: true }) session?: string;
  @Field(() => [Attribute], { description: 'The challenge parameters' }) parameters!: Attribute[];
}

@ObjectType({ description: 'Either tokens or the next challenge' })
export class SignInResult {
  @Field(() => Tokens, { nullable: true }) tokens?: Tokens;
  @Field(() => Challenge, { nullable: true }) challenge?: Challenge;
}

export enum MatchKind {
  EXACT = 'exact',
  PREFIX = 'prefix',
}
registerEnumType(MatchKind, { name: 'MatchKind' });

export enum UserSortOrder {
  USERNAME = 'username',
  USERNAME_DESC = '-username',
  CREATED = 'created',
  CREATED_DESC = '-created',
}
registerEnumType(UserSortOrder, { name: 'UserSortOrder' });

@InputType({ description: 'Input pairs (attributes, challenge responses, parameters)' })
export class AttributeInput {
  @Field() name!: string;
  @Field() value!: string;
}

@InputType({ description: '`username`, `sub`, or any standard or custom attribute (custom:tier); values compare case-insensitively' })
export class AttributeConditionInput {
  @Field() attribute!: string;
  @Field(() => MatchKind, { defaultValue: MatchKind.EXACT }) match!: MatchKind;
  @Field() value!: string;
}

@InputType({ description: 'Every given condition must hold' })
export class UserFilterInput {
  @Field(() => [AttributeConditionInput], { nullable: true }) attributes?: AttributeConditionInput[];
  @Field({ nullable: true }) status?: string;
  @Field({ nullable: true }) enabled?: boolean;
  @Field({ nullable: true, description: 'Members of this group' }) group?: string;
  @Field({ nullable: true, description: 'ISO 8601; created at or after' }) createdAfter?: string;
  @Field({ nullable: true, description: 'ISO 8601; created before' }) createdBefore?: string;
}

@InputType()
export class PasswordPolicyInput {
  @Field(() => Int, { nullable: true }) minimumLength?: number;
  @Field({ nullable: true }) requireUppercase?: boolean;
  @Field({ nullable: true }) requireLowercase?: boolean;
  @Field({ nullable: true }) requireNumbers?: boolean;
  @Field({ nullable: true }) requireSymbols?: boolean;
  @Field(() => Int, { nullable: true }) temporaryPasswordValidityDays?: number;
}

@InputType()
export class CustomAttributeInput {
  @Field() name!: string;
  @Field({ nullable: true, description: 'String, Number, DateTime or Boolean' }) dataType?: string;
  @Field({ nullable: true }) mutable?: boolean;
}

@InputType({ description: 'Settings UpdateUserPool replaces: left out, they take their defaults' })
export class UserPoolSettingsInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => PasswordPolicyInput, { nullable: true }) passwordPolicy?: PasswordPolicyInput;
  @Field(() => [String], { nullable: true }) autoVerifiedAttributes?: string[];
  @Field({ nullable: true, description: 'ACTIVE or INACTIVE' }) deletionProtection?: string;
  @Field({ nullable: true }) allowAdminCreateUserOnly?: boolean;
  @Field(() => JSONScalar, { nullable: true, description: "The trigger hooks, in Cognito's LambdaConfig member names and ARNs (docs/triggers.md)" })
  lambdaConfig?: Record<string, unknown>;
}

@InputType()
export class CreateUserPoolInput extends UserPoolSettingsInput {
  @Field({ nullable: true }) usernameCaseSensitive?: boolean;
  @Field(() => [String], { nullable: true }) usernameAttributes?: string[];
  @Field(() => [String], { nullable: true }) aliasAttributes?: string[];
  @Field(() => [CustomAttributeInput], { nullable: true }) customAttributes?: CustomAttributeInput[];
}

@InputType()
export class AppClientInput {
  @Field({ nullable: true }) clientName?: string;
  @Field({ nullable: true }) generateSecret?: boolean;
  @Field(() => [String], { nullable: true }) explicitAuthFlows?: string[];
  @Field(() => Int, { nullable: true }) accessTokenValidity?: number;
  @Field(() => Int, { nullable: true }) idTokenValidity?: number;
  @Field(() => Int, { nullable: true }) refreshTokenValidity?: number;
}

@InputType()
export class GroupInput {
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) precedence?: number;
  @Field({ nullable: true }) roleArn?: string;
}

/** Any JSON value: the capability fields' inputs, maps and documents inside their answers, IAM's role documents, an event's data. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

@ObjectType({ description: 'Who caused an event' })
export class HistoryActor {
  @Field({ description: 'user, admin, system or anonymous' }) kind!: string;
  @Field({ nullable: true }) id?: string;
}

@ObjectType({ description: 'One event of a user history, secrets removed' })
export class HistoryEvent {
  @Field({ description: 'Position in the log (commit/prepare)' }) position!: string;
  @Field() streamId!: string;
  @Field({ description: 'user, authlog, groups or refresh' }) stream!: string;
  @Field() revision!: string;
  @Field() type!: string;
  @Field(() => ID) eventId!: string;
  @Field() occurredAt!: string;
  @Field(() => HistoryActor) actor!: HistoryActor;
  @Field({ nullable: true }) clientIp?: string;
  @Field({ nullable: true }) userAgent?: string;
  @Field() correlationId!: string;
  @Field() causationId!: string;
  @Field(() => JSONScalar, { nullable: true }) data?: unknown;
}

@ObjectType({ description: "A page of a user's history in log order; pass endCursor as `after` for the next one (null: no more)" })
export class HistoryPage {
  @Field() poolId!: string;
  @Field() sub!: string;
  @Field(() => [HistoryEvent]) nodes!: HistoryEvent[];
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType({ description: 'The instant an as-of answer stands at: a log position or a time' })
export class AsOfInstant {
  @Field({ nullable: true }) position?: string;
  @Field({ nullable: true }) time?: string;
}

@ObjectType({ description: 'A user as it stood at an instant' })
export class UserSnapshot {
  @Field() username!: string;
  @Field(() => [Attribute]) attributes!: Attribute[];
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field() enabled!: boolean;
  @Field() status!: string;
}

@ObjectType()
export class UserAsOf {
  @Field(() => AsOfInstant) asOf!: AsOfInstant;
  @Field(() => UserSnapshot) user!: UserSnapshot;
}

/** A GraphQL type as capability-types.generated.ts names it: `[T]`, a scalar, or one of its object types. */
type TypeRef = GraphQLScalarType | typeof String | typeof Boolean | typeof Float | (abstract new () => unknown) | TypeRef[];

const capabilityClasses = new Map<string, abstract new () => unknown>();

function capabilityType(ref: string, input = false): TypeRef {
  if (ref.startsWith('[')) return [capabilityType(ref.slice(1, -1), input)];
  switch (ref) {
    case 'String':
      return String;
    case 'Boolean':
      return Boolean;
    case 'Float':
      return Float;
    case 'JSON':
      return JSONScalar;
    default:
      return input ? capabilityInput(ref) : capabilityObject(ref);
  }
}

/** The answer types of capabilities whose resource is one stream: they show its revision. */
const VERSIONED_ANSWERS = new Set(CAPABILITIES.filter((c) => c.stream).map((c) => CAPABILITY_TYPES.answers[c.action]));

/** The capability answers' object types, all declared here as the module loads (Nest compiles its type metadata before resolving type functions). */
for (const [name, members] of Object.entries(CAPABILITY_TYPES.types)) {
  const type = { [name]: class {} }[name];
  capabilityClasses.set(name, type);
  for (const [member, ref] of Object.entries(members)) {
    Field(() => capabilityType(ref), {
      nullable: true,
      ...(ref === 'Float' && /Date$/.test(member) ? { description: 'Epoch seconds' } : {}),
    })(type.prototype, member);
  }
  if (VERSIONED_ANSWERS.has(name)) {
    Field(() => String, { nullable: true, description: "The resource's revision (REST's ETag), for a write's expectedRevision" })(type.prototype, 'revision');
  }
  ObjectType(name, { description: `Cognito's ${name.replace(/^Cognito(Identity)?/, '')}, in its member names` })(type);
}

/** The capability inputs' input object types, the same way: Cognito's input members less those the path, the token or the page fill. */
const capabilityInputs = new Map<string, abstract new () => unknown>();
for (const [name, members] of Object.entries(CAPABILITY_TYPES.inputs)) {
  const type = { [name]: class {} }[name];
  capabilityInputs.set(name, type);
  for (const [member, ref] of Object.entries(members)) Field(() => capabilityType(ref, true), { nullable: true })(type.prototype, member);
  InputType(name, { description: `Cognito's ${name.replace(/^Cognito(Identity)?/, '').replace(/Input$/, '')}, in its member names` })(type);
}

function capabilityObject(name: string): abstract new () => unknown {
  const type = capabilityClasses.get(name);
  if (!type) throw new Error(`no capability type ${name}`);
  return type;
}

/**
 * The GraphQL type of a capability field's answer: an object type derived from the Cognito
 * operation's output in the AWS service model (capability-types.generated.ts), Boolean for an
 * operation without output (true: done), JSON for the operations that are not Cognito's (IAM's
 * role documents).
 */
export function capabilityAnswerType(action: string): TypeRef {
  const ref = CAPABILITY_TYPES.answers[action];
  return ref === undefined ? JSONScalar : capabilityType(ref);
}

function capabilityInput(name: string): abstract new () => unknown {
  const type = capabilityInputs.get(name);
  if (!type) throw new Error(`no capability input type ${name}`);
  return type;
}

/** The GraphQL type of a capability field's `input`: Cognito's input shape, or JSON for IAM's role documents. */
export function capabilityInputType(action: string): TypeRef {
  const ref = CAPABILITY_TYPES.arguments[action];
  return ref === undefined ? JSONScalar : capabilityInput(ref);
}
