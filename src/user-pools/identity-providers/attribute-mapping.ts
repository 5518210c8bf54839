import { MAX_ATTRIBUTE_LENGTH, type SchemaAttribute } from '../schema.js';

/** A value as an IdP hands it (an OIDC claim, a SAML attribute's values). */
export type RawAttribute = string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>;

function asText(value: RawAttribute): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Multi-valued (SAML): the values joined by commas; an object (OIDC `address`): its JSON.
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return JSON.stringify(value);
}

/**
 * A provider's AttributeMapping applied to what its IdP sent (pure): for each pool attribute the
 * mapping names, the IdP attribute's value as text, kept when the pool's schema has the
 * attribute (standard, custom, or the email / phone number verified flags) and the value fits.
 * `username` names the IdP's subject attribute, not a pool attribute, and is left out.
 */
export function mapAttributes(
  mapping: Readonly<Record<string, string>>,
  raw: Readonly<Record<string, RawAttribute>>,
  schema: readonly SchemaAttribute[],
): Record<string, string> {
  const known = new Set(schema.map((a) => a.name));
  known.add('email_verified');
  known.add('phone_number_verified');
  known.delete('sub');
  known.delete('identities');
  const mapped: Record<string, string> = {};
  for (const [poolAttribute, idpAttribute] of Object.entries(mapping)) {
    if (poolAttribute === 'username' || !known.has(poolAttribute)) continue;
    const value = asText(raw[idpAttribute]);
    if (value === undefined || value.length > MAX_ATTRIBUTE_LENGTH) continue;
    mapped[poolAttribute] = poolAttribute.endsWith('_verified') ? String(value === 'true') : value;
  }
  return mapped;
}
