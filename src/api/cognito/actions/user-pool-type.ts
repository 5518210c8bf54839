import type { CreatedUserPool } from '../../../user-pools/commands/create-user-pool.js';
import { epochSeconds, userPoolArn } from '../account.js';

/** Cognito's UserPoolType, as CreateUserPool and DescribeUserPool return it. */
export function toUserPoolType(pool: CreatedUserPool, accountId: string) {
  const created = epochSeconds(pool.createdAt);
  const p = pool.passwordPolicy;
  return {
    Id: pool.poolId,
    Name: pool.name,
    Arn: userPoolArn(pool.region, accountId, pool.poolId),
    CreationDate: created,
    // No pool-changing command exists yet, so a pool was last modified when it was created.
    LastModifiedDate: created,
    Policies: {
      PasswordPolicy: {
        MinimumLength: p.minimumLength,
        RequireUppercase: p.requireUppercase,
        RequireLowercase: p.requireLowercase,
        RequireNumbers: p.requireNumbers,
        RequireSymbols: p.requireSymbols,
        TemporaryPasswordValidityDays: p.temporaryPasswordValidityDays,
      },
    },
    AutoVerifiedAttributes: pool.autoVerifiedAttributes,
    UsernameConfiguration: { CaseSensitive: pool.usernameCaseSensitive },
    MfaConfiguration: 'OFF',
    DeletionProtection: 'INACTIVE',
  };
}
