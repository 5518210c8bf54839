import { InvalidParameterError } from '../../shared/domain-error.js';
import type { AuthFlow, ClientSettings, LegacyAuthFlow } from './client.events.js';

/** An ExplicitAuthFlows value as CreateUserPoolClient / UpdateUserPoolClient accept it. */
export type ExplicitAuthFlowName = AuthFlow | LegacyAuthFlow;

export const LEGACY_AUTH_FLOWS: readonly LegacyAuthFlow[] = ['ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH'];

/** The ALLOW_* flow each legacy name switched on. */
const GRANTED_BY: Record<LegacyAuthFlow, AuthFlow> = {
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
};

const isLegacy = (name: ExplicitAuthFlowName): name is LegacyAuthFlow => (LEGACY_AUTH_FLOWS as readonly string[]).includes(name);

/**
 * ExplicitAuthFlows as given → the flows the client may use. Legacy names cannot be mixed with
 * ALLOW_* names (Cognito's rule). Legacy clients never gated SRP, custom authentication or
 * refresh (those had no flag before the ALLOW_* names), except CUSTOM_AUTH_FLOW_ONLY, which
 * meant "custom authentication instead of SRP"; the names themselves are kept for Describe.
 */
export function authFlowSettings(names: readonly ExplicitAuthFlowName[]): Pick<ClientSettings, 'explicitAuthFlows' | 'legacyAuthFlows'> {
  const legacy = names.filter(isLegacy);
  // Cognito: the client-token flow is for machines only, so it is the client's only flow.
  if (names.includes('ALLOW_CLIENT_TOKEN_AUTH') && new Set(names).size > 1) {
    throw new InvalidParameterError('ALLOW_CLIENT_TOKEN_AUTH can not be selected along with other ExplicitAuthFlows.');
  }
  if (legacy.length === 0) return { explicitAuthFlows: names as AuthFlow[] };
  if (legacy.length !== names.length) {
    throw new InvalidParameterError('ExplicitAuthFlows values with the ALLOW_ prefix cannot be used together with values without the ALLOW_ prefix.');
  }
  const granted = new Set<AuthFlow>(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH']);
  if (!legacy.includes('CUSTOM_AUTH_FLOW_ONLY')) granted.add('ALLOW_USER_SRP_AUTH');
  for (const name of legacy) granted.add(GRANTED_BY[name]);
  return { explicitAuthFlows: [...granted], legacyAuthFlows: legacy };
}

/** ExplicitAuthFlows as DescribeUserPoolClient returns them: the legacy names when the client was given those. */
export const describedAuthFlows = (settings: Pick<ClientSettings, 'explicitAuthFlows' | 'legacyAuthFlows'>): ExplicitAuthFlowName[] =>
  settings.legacyAuthFlows ?? settings.explicitAuthFlows;
