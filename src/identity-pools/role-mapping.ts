import { NotAuthorizedError } from '../shared/domain-error.js';
import { InvalidIdentityPoolConfigurationError } from './identity-pool.errors.js';

/** A role mapping of an identity pool for one provider (Cognito's RoleMapping). */
export interface RoleMapping {
  type: 'Token' | 'Rules';
  /** What happens when no rule matches (or the token names no single role); Cognito requires it. */
  ambiguousRoleResolution: 'AuthenticatedRole' | 'Deny';
  rules?: MappingRule[];
}

export interface MappingRule {
  claim: string;
  matchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  value: string;
  roleArn: string;
}

export interface PoolRoles {
  authenticated?: string;
  unauthenticated?: string;
}

export type Claims = Readonly<Record<string, unknown>>;

export interface RoleChoice {
  /** Guests get the unauthenticated role; everyone else a role by mapping, or the authenticated role. */
  authenticated: boolean;
  roles: PoolRoles;
  /** The mapping of the provider the credentials are asked with (by its role-mapping key), if any. */
  mapping?: RoleMapping;
  /** Its key, `cognito-idp.<region>.amazonaws.com/<poolId>:<clientId>` or the OIDC provider's name. */
  mappingKey?: string;
  claims?: Claims;
  /** GetCredentialsForIdentity's CustomRoleArn: one of the token's cognito:roles (Token mappings). */
  customRoleArn?: string;
}

const INVALID_CONFIG = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';

/**
 * Which role a GetCredentialsForIdentity call gets, as Cognito decides it:
 * - guests: the pool's unauthenticated role;
 * - a Token mapping: the CustomRoleArn when the token lists it in cognito:roles, else
 *   cognito:preferred_role, else the ambiguous resolution;
 * - a Rules mapping: the first rule (in order) whose claim matches, else the ambiguous resolution;
 * - no mapping: the pool's authenticated role.
 * The ambiguous resolution is the authenticated role, or Deny (NotAuthorizedException).
 */
export function chooseRole(choice: RoleChoice): string {
  if (!choice.authenticated) return required(choice.roles.unauthenticated);
  const mapping = choice.mapping;
  if (!mapping) return required(choice.roles.authenticated);
  const claims = choice.claims ?? {};
  const mapped = mapping.type === 'Token' ? fromToken(claims, choice.customRoleArn) : fromRules(mapping.rules ?? [], claims);
  if (mapped) return mapped;
  if (mapping.ambiguousRoleResolution === 'AuthenticatedRole') return required(choice.roles.authenticated);
  throw new NotAuthorizedError(`The ambiguous role mapping rules for: ${choice.mappingKey ?? 'this provider'} denied this request.`);
}

function fromToken(claims: Claims, customRoleArn: string | undefined): string | undefined {
  const roles = listClaim(claims['cognito:roles']);
  if (customRoleArn !== undefined) return roles.includes(customRoleArn) ? customRoleArn : undefined;
  const preferred = claims['cognito:preferred_role'];
  if (typeof preferred === 'string' && preferred.length > 0) return preferred;
  return undefined;
}

function fromRules(rules: readonly MappingRule[], claims: Claims): string | undefined {
  return rules.find((rule) => ruleMatches(rule, claims[rule.claim]))?.roleArn;
}

/**
 * One rule against one claim. A list claim (cognito:groups) matches when one of its values
 * does; NotEqual then means no value equals. A missing claim matches no rule.
 */
export function ruleMatches(rule: MappingRule, claim: unknown): boolean {
  if (claim === undefined || claim === null) return false;
  const values = listClaim(claim);
  const one = (v: string) => {
    switch (rule.matchType) {
      case 'Equals':
        return v === rule.value;
      case 'Contains':
        return v.includes(rule.value);
      case 'StartsWith':
        return v.startsWith(rule.value);
      case 'NotEqual':
        return v !== rule.value;
    }
  };
  return rule.matchType === 'NotEqual' ? values.every(one) : values.some(one);
}

function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(String);
  if (value === undefined || value === null) return [];
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}

function required(role: string | undefined): string {
  if (!role) throw new InvalidIdentityPoolConfigurationError(INVALID_CONFIG);
  return role;
}
