/**
 * A login session names its user by `sub` (the library's account id) and the sign-in behind it
 * by an `amr` entry `cairn-sign-in:<familyId>` (the library keeps amr with the session and never
 * shows it here: the ID tokens are the KeyRing's). findAccount checks that sign-in is still valid
 * (not logged out, revoked, or ended by a global sign-out).
 */
const PREFIX = 'cairn-sign-in:';
export const signInAmr = (familyId: string) => `${PREFIX}${familyId}`;
export const familyOf = (amr: readonly string[] | undefined): string | undefined => amr?.find((a) => a.startsWith(PREFIX))?.slice(PREFIX.length);
