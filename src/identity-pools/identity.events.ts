/**
 * One identity of an identity pool (`<region>:<uuid>`) and the logins linked to it. A login is
 * the provider's name as the Logins map keys it (canonical: `cognito-idp.<region>.amazonaws.com/
 * <userPoolId>`, an OIDC issuer without its scheme, or the pool's developer provider name) and
 * the subject the provider vouches for (`sub`, or the developer user identifier). Each login is
 * a unique claim in its pool, taken in the same append as the event that links it.
 */
export interface Login {
  provider: string;
  subject: string;
}

export type IdentityCreated = { type: 'IdentityCreated'; data: { identityId: string; poolId: string; logins: Login[]; createdAt: string } };

export type IdentityLoginsLinked = { type: 'IdentityLoginsLinked'; data: { identityId: string; poolId: string; logins: Login[]; at: string } };

/** UnlinkIdentity / UnlinkDeveloperIdentity: the logins are released and may be linked again. */
export type IdentityLoginsUnlinked = { type: 'IdentityLoginsUnlinked'; data: { identityId: string; poolId: string; logins: Login[]; at: string } };

/** MergeDeveloperIdentities: this identity's logins moved to `into`, and this identity is gone. */
export type IdentityMerged = { type: 'IdentityMerged'; data: { identityId: string; poolId: string; into: string; logins: Login[]; at: string } };

export type IdentityDeleted = { type: 'IdentityDeleted'; data: { identityId: string; poolId: string; logins: Login[]; at: string } };

export type IdentityEvent = IdentityCreated | IdentityLoginsLinked | IdentityLoginsUnlinked | IdentityMerged | IdentityDeleted;

export const identityStream = (identityId: string) => `identity-${identityId}`;

/** The unique scope of a pool's logins: one identity per (provider, subject) in a pool. */
export const loginScope = (poolId: string) => `identity-login:${poolId}`;
export const loginValue = (login: Login) => `${login.provider}\u0000${login.subject}`;

/**
 * Temporary credentials handed out (GetCredentialsForIdentity, AssumeRoleWithWebIdentity): the
 * access key id and what it stands for. The secret is never part of it (it travels, encrypted,
 * inside the session token only). High volume, so on a stream of its own per identity.
 */
export type IdentityCredentialsIssued = {
  type: 'IdentityCredentialsIssued';
  data: {
    identityId: string;
    poolId: string;
    accessKeyId: string;
    roleArn: string;
    expiration: string;
    issuedAt: string;
    flow: 'enhanced' | 'basic';
    authenticated: boolean;
    /** Login providers the request was made with. */
    providers: string[];
  };
};

export const credentialsStream = (identityId: string) => `identitycredentials-${identityId}`;
