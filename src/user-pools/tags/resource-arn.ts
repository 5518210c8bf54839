import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';

/** `arn:<partition>:cognito-idp:<region>:<account>:userpool/<poolId>`, as the API layer builds them. */
const USER_POOL_ARN = /^arn:[\w-]+:cognito-idp:([a-z0-9-]*):(\d+):userpool\/([^/]+)$/;

/**
 * The user pool a tagging call names. Only user pools can be tagged in Cognito; an ARN of this
 * service for another account or region, or whose region is not the pool's, names no pool here.
 */
export function poolIdOfArn(arn: string, accountId: string): string {
  const match = USER_POOL_ARN.exec(arn);
  if (!match) throw new InvalidParameterError(`Invalid ARN ${arn}: only user pools can be tagged`);
  const [, region, account, poolId] = match;
  if (account !== accountId || !poolId.startsWith(`${region}_`)) throw new ResourceNotFoundError(`User pool ${poolId} does not exist.`);
  return poolId;
}
