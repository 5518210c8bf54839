import { InvalidParameterError } from '../shared/domain-error.js';

/** A pool's attribute schema: Cognito's standard attributes plus `custom:` ones. */
export type AttributeDataType = 'String' | 'Number' | 'DateTime' | 'Boolean';

export interface SchemaAttribute {
  /** As users see it: `email`, `custom:tier`, `dev:custom:score` (developer-only). */
  name: string;
  dataType: AttributeDataType;
  mutable: boolean;
  required: boolean;
  /** Cognito's DeveloperOnlyAttribute: written by admin calls only, never shown to the user (absent: false). */
  developerOnly?: boolean;
  /** String attributes: bounds on the length in characters. */
  minLength?: number;
  maxLength?: number;
  /** Number attributes: bounds on the value. */
  minValue?: number;
  maxValue?: number;
}

/**
 * An entry of CreateUserPool's Schema or AddCustomAttributes, before checks and defaults. Bounds
 * arrive as numbers; a bound that was not an integer arrives as NaN and is refused here.
 */
export interface SchemaAttributeInput {
  name: string;
  dataType?: AttributeDataType;
  mutable?: boolean;
  required?: boolean;
  developerOnly?: boolean;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
}

/** Cognito stores no attribute value longer than this. */
export const MAX_ATTRIBUTE_LENGTH = 2048;
/** Cognito: at most 50 custom attributes per pool. */
export const MAX_CUSTOM_ATTRIBUTES = 50;
const CUSTOM_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u;

const text = (name: string, extra: Partial<SchemaAttribute> = {}): SchemaAttribute => ({
  name,
  dataType: 'String',
  mutable: true,
  required: false,
  minLength: 0,
  maxLength: MAX_ATTRIBUTE_LENGTH,
  ...extra,
});
const flag = (name: string): SchemaAttribute => ({ name, dataType: 'Boolean', mutable: true, required: false });

/** Cognito's standard attributes with their defaults, in the order DescribeUserPool lists them. */
export const STANDARD_SCHEMA: readonly SchemaAttribute[] = [
  text('sub', { mutable: false, required: true, minLength: 1 }),
  text('name'),
  text('given_name'),
  text('family_name'),
  text('middle_name'),
  text('nickname'),
  text('preferred_username'),
  text('profile'),
  text('picture'),
  text('website'),
  text('email'),
  flag('email_verified'),
  text('gender'),
  text('birthdate', { minLength: 10, maxLength: 10 }),
  text('zoneinfo'),
  text('locale'),
  text('phone_number'),
  flag('phone_number_verified'),
  text('address'),
  { name: 'updated_at', dataType: 'Number', mutable: true, required: false, minValue: 0 },
  { name: 'identities', dataType: 'String', mutable: true, required: false },
];

/** Set by the platform (or by an admin, for the verified flags), never by a user's own request. */
export const SYSTEM_ATTRIBUTES = new Set(['sub', 'identities', 'email_verified', 'phone_number_verified']);
const STANDARD_NAMES = new Set(STANDARD_SCHEMA.map((a) => a.name));

const invalid = (message: string) => new InvalidParameterError(message);

/**
 * The entries of CreateUserPool's Schema: a standard name changes that attribute's
 * Required/Mutable/length bounds; any other name declares `custom:<name>`.
 */
export function declareSchema(inputs: readonly SchemaAttributeInput[]): SchemaAttribute[] {
  const out: SchemaAttribute[] = [];
  for (const input of inputs) {
    const attribute = STANDARD_NAMES.has(input.name) ? standardOverride(input) : customAttribute(input);
    if (out.some((a) => a.name === attribute.name)) throw invalid(`Duplicate attribute in the schema: ${attribute.name}`);
    out.push(attribute);
  }
  if (out.filter(isCustom).length > MAX_CUSTOM_ATTRIBUTES) throw invalid(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
  return out;
}

/**
 * AddCustomAttributes: every name becomes `custom:<name>` (`dev:custom:<name>` if developer-only),
 * whatever it is. A name the pool already has is refused before anything else is checked, as
 * Cognito does (the decider checks it again on the fresh state).
 */
export function customAttributes(inputs: readonly SchemaAttributeInput[], existing: ReadonlySet<string> = new Set()): SchemaAttribute[] {
  return inputs.map((input) => {
    const name = customName(input);
    if (existing.has(name)) throw existingAttribute(name);
    return customAttribute(input);
  });
}

/** Cognito's answer for a custom attribute the pool already has (it names the attribute both ways). */
export const existingAttribute = (name: string) => invalid(`${name.replace(/^dev:/, '')}: Existing attribute already has name ${name}.`);

/** The schema a pool enforces: standard attributes (with the pool's overrides), then custom ones. */
export function effectiveSchema(declared: readonly SchemaAttribute[]): SchemaAttribute[] {
  const byName = new Map(declared.map((a) => [a.name, a]));
  return [...STANDARD_SCHEMA.map((a) => byName.get(a.name) ?? a), ...declared.filter(isCustom)];
}

export const isCustom = (attribute: SchemaAttribute) => /^(dev:)?custom:/.test(attribute.name);
/** Developer-only attributes keep Cognito's `dev:` prefix in every API. */
export const isDeveloperOnly = (name: string) => name.startsWith('dev:');

const customName = (input: SchemaAttributeInput) => `${input.developerOnly ? 'dev:' : ''}custom:${input.name}`;

function standardOverride(input: SchemaAttributeInput): SchemaAttribute {
  const standard = STANDARD_SCHEMA.find((a) => a.name === input.name) as SchemaAttribute;
  if (SYSTEM_ATTRIBUTES.has(input.name)) throw invalid(`The standard attribute ${input.name} cannot be configured.`);
  if ((input.dataType && input.dataType !== standard.dataType) || input.developerOnly) {
    throw invalid(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${input.name}`);
  }
  return withBounds({ ...standard, mutable: input.mutable ?? standard.mutable, required: input.required ?? standard.required }, input);
}

function customAttribute(input: SchemaAttributeInput): SchemaAttribute {
  if (!CUSTOM_NAME.test(input.name)) throw invalid(`Invalid custom attribute name: ${input.name}`);
  // Cognito has no default type for a custom attribute.
  if (!input.dataType) throw invalid('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  if (input.required) throw invalid('Required custom attributes are not supported currently.');
  const base: SchemaAttribute = { name: customName(input), dataType: input.dataType, mutable: input.mutable ?? true, required: false };
  return withBounds(input.developerOnly ? { ...base, developerOnly: true } : base, input);
}

/** Length bounds for strings, value bounds for numbers (Cognito's checks and messages, in its order); other types take none. */
function withBounds(base: SchemaAttribute, input: SchemaAttributeInput): SchemaAttribute {
  const { minLength, maxLength, minValue, maxValue } = input;
  const out = { ...base };
  const given = (...values: Array<number | undefined>) => values.filter((v): v is number => v !== undefined);
  if (base.dataType === 'String') {
    if (given(minLength, maxLength).some((v) => !Number.isInteger(v) || v < 0))
      throw invalid(`Invalid StringAttributeConstraints for schema attribute ${base.name}`);
    if (minLength !== undefined) out.minLength = minLength;
    if (maxLength !== undefined) out.maxLength = maxLength;
    const min = out.minLength ?? 0;
    const max = out.maxLength ?? MAX_ATTRIBUTE_LENGTH;
    if (min > MAX_ATTRIBUTE_LENGTH || max > MAX_ATTRIBUTE_LENGTH)
      throw invalid(`user.${base.name}: String attributes cannot have a length of more than ${MAX_ATTRIBUTE_LENGTH}`);
    if (min > max) throw invalid(`user.${base.name}: Max length cannot be less than min length.`);
  }
  if (base.dataType === 'Number') {
    if (given(minValue, maxValue).some((v) => !Number.isSafeInteger(v))) throw invalid(`Invalid NumberAttributeConstraints for schema attribute ${base.name}`);
    if (minValue !== undefined) out.minValue = minValue;
    if (maxValue !== undefined) out.maxValue = maxValue;
    if ((out.minValue ?? -Infinity) > (out.maxValue ?? Infinity)) throw invalid(`user.${base.name}: Max value cannot be less than min value.`);
  }
  return out;
}
