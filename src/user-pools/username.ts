/** How a pool compares usernames (Cognito: case-insensitive unless the pool says otherwise). */
export function normalizeUsername(username: string, caseSensitive: boolean): string {
  const nfc = username.normalize('NFC');
  return caseSensitive ? nfc : nfc.toLowerCase();
}

export const usernameScope = (poolId: string) => `username:${poolId}`;
