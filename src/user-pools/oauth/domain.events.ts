/**
 * A user pool's domain (CreateUserPoolDomain): the prefix or custom domain the OAuth endpoints and
 * hosted pages are served on. One stream per pool, `userpooldomain-<poolId>`; the domain name is a
 * unique claim (`user-pool-domain`), so two pools can never hold the same domain and a domain
 * resolves to its pool's stream.
 */
export type UserPoolDomainCreated = {
  type: 'UserPoolDomainCreated';
  data: {
    poolId: string;
    domain: string;
    /** Set for a custom domain (a name with dots); a prefix domain has none. */
    certificateArn?: string;
    /** 1: the classic hosted UI, 2: managed login (Cognito's ManagedLoginVersion). */
    managedLoginVersion: 1 | 2;
    createdAt: string;
  };
};

export type UserPoolDomainUpdated = {
  type: 'UserPoolDomainUpdated';
  data: { managedLoginVersion: 1 | 2; certificateArn?: string; at: string };
};

export type UserPoolDomainDeleted = { type: 'UserPoolDomainDeleted'; data: { domain: string; at: string } };

export type UserPoolDomainEvent = UserPoolDomainCreated | UserPoolDomainUpdated | UserPoolDomainDeleted;

export const userPoolDomainStream = (poolId: string) => `userpooldomain-${poolId}`;
export const USER_POOL_DOMAIN_SCOPE = 'user-pool-domain';
