/**
 * A login session's account id names the user and the sign-in behind the session:
 * `<sub>.<familyId>`. The library keeps it in the session and the codes; findAccount checks the
 * sign-in is still valid (not logged out, revoked or ended by a global sign-out), and the token
 * endpoint takes the sub from it.
 */
export const accountId = (sub: string, familyId: string) => `${sub}.${familyId}`;
export const subOf = (id: string) => id.split('.')[0];
export const familyOf = (id: string): string | undefined => id.split('.')[1];
