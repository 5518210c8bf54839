import { InvalidParameterError } from '../../shared/domain-error.js';
import { authFlowSettings, describedAuthFlows } from './client-auth-flows.js';

describe('ExplicitAuthFlows names', () => {
  test('ALLOW_* names are kept as they are', () => {
    expect(authFlowSettings(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])).toEqual({
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });
  test('legacy names grant their flows plus the ones legacy clients never gated, and are described as given', () => {
    const settings = authFlowSettings(['ADMIN_NO_SRP_AUTH']);
    expect(new Set(settings.explicitAuthFlows)).toEqual(
      new Set(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH']),
    );
    expect(describedAuthFlows(settings)).toEqual(['ADMIN_NO_SRP_AUTH']);
    expect(authFlowSettings(['CUSTOM_AUTH_FLOW_ONLY']).explicitAuthFlows).not.toContain('ALLOW_USER_SRP_AUTH');
  });
  test('legacy and ALLOW_* names cannot be mixed', () => {
    expect(() => authFlowSettings(['USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])).toThrow(InvalidParameterError);
  });
});
