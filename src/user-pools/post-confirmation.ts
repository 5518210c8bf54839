import type { RequestContext } from '../shared/request-context.js';
import type { Triggers } from '../triggers/trigger.port.js';
import type { ActivePool } from './user-pool.repository.js';
import type { ExistingUserState } from './user.decider.js';

/**
 * Cognito's post confirmation hook, run after the confirmation is written: the user stays
 * confirmed whatever the hook answers, and a refusal or a timeout still reaches the caller as
 * UserLambdaValidationException / UnexpectedLambdaException, as Cognito does.
 */
export async function postConfirmation(
  triggers: Triggers,
  pool: ActivePool,
  user: ExistingUserState,
  source: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword',
  caller: { clientId?: string; clientMetadata?: Record<string, string>; context: RequestContext },
): Promise<void> {
  if (!triggers.configured(pool.settings.lambdaConfig, 'PostConfirmation')) return;
  await triggers.invoke({
    kind: 'PostConfirmation',
    triggerSource: source,
    poolId: pool.poolId,
    region: pool.region,
    lambdaConfig: pool.settings.lambdaConfig,
    userName: user.username,
    ...(caller.clientId ? { clientId: caller.clientId } : {}),
    request: { userAttributes: hookAttributes(user), clientMetadata: caller.clientMetadata ?? {} },
    context: caller.context,
  });
}

/** A user's attributes as hooks see them (Cognito adds `sub` and `cognito:user_status`). */
export function hookAttributes(user: ExistingUserState): Record<string, string> {
  return { ...user.attributes, sub: user.sub, 'cognito:user_status': user.status };
}
