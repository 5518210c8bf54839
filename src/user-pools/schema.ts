import { InvalidParameterError } from '../shared/domain-error.js';

/** A pool's attribute schema: Cognito's standard attributes plus `custom:` ones. */
export type AttributeDataType = 'String' | 'Number' | 'DateTime' | 'Boolean';

export interface SchemaAttribute {
  /** As users see it: `email`, `custom:tier`. */
  name: string;
  dataType: AttributeDataType;
  mutable: boolean;
  required: boolean;
  /** String attributes: bounds on the length in characters. */
  minLength?: number;
  maxLength?: number;
  /** Number attributes: bounds on the value. */
  minValue?: number;
  maxValue?: number;
}

/** An entry of CreateUserPool's Schema or AddCustomAttributes, before checks and defaults. */
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
  name, dataType: 'String', mutable: true, required: false, minLength: 0, maxLength: MAX_ATTRIBUTE_LENGTH, ...extra,
});
const flag = (name: string): SchemaAttribute => ({ name, dataType: 'Boolean', mutable: true, required: false });

/** Cognito's standard attributes with their defaults, in the order DescribeUserPool lists them. */
export const STANDARD_SCHEMA: readonly SchemaAttribute[] = [
  text('sub', { mutable: false, required: true, minLength: 1 }),
  text('name'), text('given_name'), text('family_name'), text('middle_name'), text('nickname'),
  text('preferred_username'), text('profile'), text('picture'), text('website'), text('email'), flag('email_verified'),
  text('gender'), text('birthdate', { minLength: 10, maxLength: 10 }), text('zoneinfo'), text('locale'),
  text('phone_number'), flag('phone_number_verified'), text('address'),
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

/** AddCustomAttributes: every name becomes `custom:<name>`, whatever it is. */
export function customAttributes(inputs: readonly SchemaAttributeInput[]): SchemaAttribute[] {
  return inputs.map(customAttribute);
}

/** The schema a pool enforces: standard attributes (with the pool's overrides), then custom ones. */
export function effectiveSchema(declared: readonly SchemaAttribute[]): SchemaAttribute[] {
  const byName = new Map(declared.map((a) => [a.name, a]));
  return [...STANDARD_SCHEMA.map((a) => byName.get(a.name) ?? a), ...declared.filter(isCustom)];
}

export const isCustom = (attribute: SchemaAttribute) => attribute.name.startsWith('custom:');

function standardOverride(input: SchemaAttributeInput): SchemaAttribute {
  const standard = STANDARD_SCHEMA.find((a) => a.name === input.name) as SchemaAttribute;
  if (SYSTEM_ATTRIBUTES.has(input.name)) throw invalid(`The standard attribute ${input.name} cannot be configured.`);
  if (input.dataType && input.dataType !== standard.dataType) {
    throw invalid(`The standard attribute ${input.name} is of type ${standard.dataType}, not ${input.dataType}.`);
  }
  if (input.developerOnly) throw invalid(`The standard attribute ${input.name} cannot be developer-only.`);
  return withBounds(
    { ...standard, mutable: input.mutable ?? standard.mutable, required: input.required ?? standard.required },
    input,
  );
}

function customAttribute(input: SchemaAttributeInput): SchemaAttribute {
  if (!CUSTOM_NAME.test(input.name)) throw invalid(`Invalid custom attribute name: ${input.name}`);
  // Cognito refuses both; app-client write permissions replace developer-only attributes.
  if (input.required) throw invalid('Required custom attributes are not supported currently.');
  if (input.developerOnly) throw invalid('Developer-only attributes are not supported; use app client write attributes instead.');
  const dataType = input.dataType ?? 'String';
  return withBounds({ name: `custom:${input.name}`, dataType, mutable: input.mutable ?? true, required: false }, input);
}

/** Length bounds for strings, value bounds for numbers; other types take none. */
function withBounds(base: SchemaAttribute, input: SchemaAttributeInput): SchemaAttribute {
  const { minLength, maxLength, minValue, maxValue } = input;
  const out = { ...base };
  if (base.dataType === 'String') {
    if (minLength !== undefined) out.minLength = minLength;
    if (maxLength !== undefined) out.maxLength = maxLength;
    const min = out.minLength ?? 0;
    const max = out.maxLength ?? MAX_ATTRIBUTE_LENGTH;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > MAX_ATTRIBUTE_LENGTH || min > max) {
      throw invalid(`Invalid StringAttributeConstraints for ${base.name}: lengths must be integers with 0 <= MinLength <= MaxLength <= ${MAX_ATTRIBUTE_LENGTH}.`);
    }
  }
  if (base.dataType === 'Number') {
    if (minValue !== undefined) out.minValue = minValue;
    if (maxValue !== undefined) out.maxValue = maxValue;
    if ([out.minValue, out.maxValue].some((v) => v !== undefined && !Number.isFinite(v)) || (out.minValue ?? -Infinity) > (out.maxValue ?? Infinity)) {
      throw invalid(`Invalid NumberAttributeConstraints for ${base.name}: MinValue must not exceed MaxValue.`);
    }
  }
  return out;
}
