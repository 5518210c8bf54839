import { NotAuthorizedError } from '../../shared/domain-error.js';
import { assertPasswordPolicy } from '../../user-pools/password-policy.js';
import { checkedAttributeUpdate, codeCandidates, deliverSentCodes, verificationRules } from '../../user-pools/commands/user-attributes.js';
import { requireParameters } from '../flows/sign-in-steps.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import type { SignInServices } from '../sign-in-services.js';
import { authLogStream, type AuthLogEvent } from '../auth-log.events.js';
import { withMetadata } from '../../shared/command-handler.js';
import { passwordCredentials } from '../../user-pools/credentials.js';
import { userStream } from '../../user-pools/user.events.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import type { PendingSignIn } from '../tokens/token-issuer.js';

/**
 * NEW_PASSWORD_REQUIRED: the session from the sign-in, the user's new password and any attributes
 * given with it (`userAttributes.<name>`). The attributes and the password are one command on the
 * user's stream, written in one append together with the sign-in's log entry and its new
 * refresh-token family: all of it or none.
 */
async function answerNewPassword(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { caller, responses, now, context } = response;
  const pool = caller.pool;
  const pending = s.sessions.resume(caller, response.session, 'NEW_PASSWORD_REQUIRED');
  requireParameters({ parameters: responses }, 'NEW_PASSWORD');
  const streamId = userStream(pool.poolId, pending.sub);
  const current = await s.users.read(streamId);
  if (!current.exists) throw new NotAuthorizedError('Invalid session for the user.');
  caller.checkSecretHash([responses.USERNAME ?? '', current.username, current.sub], responses.SECRET_HASH);
  assertPasswordPolicy(responses.NEW_PASSWORD, pool.settings.passwordPolicy);
  const attributes = checkedAttributeUpdate(
    pool,
    Object.fromEntries(
      Object.entries(responses)
        .filter(([k]) => k.startsWith('userAttributes.'))
        .map(([k, v]) => [k.slice('userAttributes.'.length), v]),
    ),
    false,
  );
  const { passwordHash: newPasswordHash, srp } = await passwordCredentials(s.hasher, pool.poolId, current.username, responses.NEW_PASSWORD);
  const candidates = codeCandidates(s.codes, pool, current.sub, attributes, now);

  let signIn: PendingSignIn | undefined;
  const { state, events } = await s.users.run({
    pool,
    streamId,
    context,
    now,
    command: () => ({
      type: 'CompleteNewPasswordChallenge',
      newPasswordHash,
      srp,
      attributes,
      verification: verificationRules(pool),
      codes: Object.fromEntries([...candidates].map(([a, c]) => [a, c.toSend])),
      now: now.toISOString(),
    }),
    // The sign-in's refresh family and log entry ride in the same append as the user's events.
    alongside: (_events, before) => {
      if (!before.exists) return [];
      signIn = s.tokens.startSignIn(caller.client, before, context, now);
      const logged: AuthLogEvent = {
        type: 'SignInSucceeded',
        data: { poolId: pool.poolId, sub: before.sub, clientId: caller.clientId, flow: 'NEW_PASSWORD_REQUIRED', at: now.toISOString() },
      };
      return [
        signIn.write,
        { streamId: authLogStream(pool.poolId, before.sub), events: withMetadata([logged], context, now), options: { expectedRevision: 'any' } },
      ];
    },
  });
  if (!state.exists || !signIn) throw new NotAuthorizedError('Invalid session for the user.');
  await deliverSentCodes(s.codes, pool.poolId, state.username, events, candidates, {
    userAttributes: hookAttributes(state),
    clientId: caller.clientId,
    clientMetadata: response.clientMetadata,
    context: response.context,
  });
  return {
    AuthenticationResult: await s.tokens.finishSignIn(caller.client, state, signIn, {
      source: 'TokenGeneration_NewPasswordChallenge',
      clientMetadata: response.clientMetadata,
    }),
    ChallengeParameters: {},
  };
}

export const newPasswordRequired: ChallengeHandler = { run: answerNewPassword };
