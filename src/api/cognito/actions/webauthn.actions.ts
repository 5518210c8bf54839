import { z } from 'zod';
import type { Passkey } from '../../../auth/webauthn/passkey.decider.js';
import {
  CompletePasskeyRegistrationCommand,
  DeletePasskeyCommand,
  GetUserAuthFactorsQuery,
  ListPasskeysQuery,
  StartPasskeyRegistrationCommand,
} from '../../../auth/webauthn/passkey.use-cases.js';
import type { ExistingUser } from '../../../user-pools/users.js';
import type { FirstAuthFactor } from '../../../user-pools/user-pool.events.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { mfaSettingsOf } from './mfa.actions.js';
import { accessToken, userPoolId, username } from './members.js';

/** Cognito's WebAuthnCredentialDescription. */
function toCredentialDescription(p: Passkey) {
  return {
    CredentialId: p.credentialId,
    ...(p.friendlyName ? { FriendlyCredentialName: p.friendlyName } : {}),
    RelyingPartyId: p.relyingPartyId,
    ...(p.authenticatorAttachment ? { AuthenticatorAttachment: p.authenticatorAttachment } : {}),
    AuthenticatorTransports: p.transports,
    CreatedAt: epochSeconds(p.createdAt),
  };
}

export const startWebAuthnRegistration = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    const r = await ctx.commands.execute(new StartPasskeyRegistrationCommand({ accessToken: input.AccessToken }, ctx.request));
    return { CredentialCreationOptions: r.options };
  },
});

export const completeWebAuthnRegistration = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, Credential: z.record(z.string(), z.unknown()) }),
  async handle(input, ctx) {
    await ctx.commands.execute(new CompletePasskeyRegistrationCommand({ accessToken: input.AccessToken, credential: input.Credential }, ctx.request));
    return {};
  },
});

export const listWebAuthnCredentials = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, NextToken: z.string().min(1).max(131072).optional(), MaxResults: z.number().int().min(1).max(20).optional() }),
  async handle(input, ctx) {
    const r = await ctx.queries.execute(
      new ListPasskeysQuery({ accessToken: input.AccessToken, maxResults: input.MaxResults, nextToken: input.NextToken }, ctx.request),
    );
    return { Credentials: r.passkeys.map(toCredentialDescription), ...(r.nextToken ? { NextToken: r.nextToken } : {}) };
  },
});

export const deleteWebAuthnCredential = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, CredentialId: z.string().min(1).max(1024) }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeletePasskeyCommand({ accessToken: input.AccessToken, credentialId: input.CredentialId }, ctx.request));
    return {};
  },
});

/** GetUserAuthFactorsResponse. */
const authFactors = (r: { user: ExistingUser; configured: FirstAuthFactor[] }) => {
  const { MFAOptions: _legacy, ...mfa } = mfaSettingsOf(r.user);
  return { Username: r.user.username, ...mfa, ConfiguredUserAuthFactors: r.configured };
};

export const getUserAuthFactors = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  handle: async (input, ctx) =>
    authFactors(await ctx.queries.execute(new GetUserAuthFactorsQuery({ target: { accessToken: input.AccessToken } }, ctx.request))),
});

export const adminGetUserAuthFactors = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  handle: async (input, ctx) =>
    authFactors(await ctx.queries.execute(new GetUserAuthFactorsQuery({ target: { poolId: input.UserPoolId, username: input.Username } }, ctx.request))),
});

export const WEBAUTHN_ACTIONS = {
  StartWebAuthnRegistration: startWebAuthnRegistration,
  CompleteWebAuthnRegistration: completeWebAuthnRegistration,
  ListWebAuthnCredentials: listWebAuthnCredentials,
  DeleteWebAuthnCredential: deleteWebAuthnCredential,
  GetUserAuthFactors: getUserAuthFactors,
  AdminGetUserAuthFactors: adminGetUserAuthFactors,
};
