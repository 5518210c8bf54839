/**
 * Cognito's SessionId: 28 lowercase letters and digits, `tkn` for a token session. A token
 * session here is a refresh-token family, whose id is a UUID: its 128 bits are written in base 36
 * (25 digits, 36^25 > 2^128), so the id names the family's stream without any lookup.
 */
const DIGITS = 25;
const SESSION_ID = /^tkn[0-9a-z]{25}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SessionId of a family, or undefined for a family id that is not a UUID (none is: ids are randomUUID). */
export function sessionIdOf(familyId: string): string | undefined {
  if (!UUID.test(familyId)) return undefined;
  return `tkn${BigInt(`0x${familyId.replace(/-/g, '')}`)
    .toString(36)
    .padStart(DIGITS, '0')}`;
}

/** The family a SessionId names, or undefined (an SSO session id, or not a session id at all). */
export function familyIdOf(sessionId: string): string | undefined {
  if (!SESSION_ID.test(sessionId)) return undefined;
  let value = 0n;
  for (const digit of sessionId.slice(3)) value = value * 36n + BigInt(parseInt(digit, 36));
  if (value >= 1n << 128n) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
