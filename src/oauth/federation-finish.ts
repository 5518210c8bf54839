import type Provider from 'oidc-provider';
import type { FederatedSignInAnswer } from '../auth/federation/federated-sign-in.use-case.js';
import { signInAmr } from './accounts.js';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** The pending authorization request (interaction) a federation round trip belongs to, or an Error. */
async function pending(provider: Provider, uid: string) {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw new Error('the authorization request is unknown or has expired');
  return interaction;
}

/**
 * Ends the pending authorization request `uid` with the login a federated sign-in made, exactly
 * as the hosted login page ends it (account = sub, the sign-in's family in amr), and answers the
 * URL to send the browser to (303): the library's resume endpoint, which carries on to the app's
 * callback with a code or tokens. It needs no cookie of the browser (an IdP's HTTP-POST back is
 * cross-site); the resume step then checks the browser's own resume cookie.
 */
export async function finishFederatedLogin(provider: Provider, uid: string, answer: FederatedSignInAnswer): Promise<string> {
  const interaction = await pending(provider, uid);
  interaction.result = { login: { accountId: answer.sub, ts: answer.authTime, amr: [signInAmr(answer.familyId)] } };
  await interaction.save(Math.max(1, (interaction.exp ?? epochSeconds() + 60) - epochSeconds()));
  return interaction.returnTo;
}

/** Ends the pending authorization request `uid` with an OAuth error for the app's callback (e.g. invalid_request with the reason). */
export async function finishFederatedError(provider: Provider, uid: string, error: string, description: string): Promise<string> {
  const interaction = await pending(provider, uid);
  interaction.result = { error, error_description: description };
  await interaction.save(Math.max(1, (interaction.exp ?? epochSeconds() + 60) - epochSeconds()));
  return interaction.returnTo;
}

/** The IdP parameters of a pending authorization request (Cognito's identity_provider / idp_identifier). */
export function federationParams(params: Record<string, unknown>): { identityProvider?: string; idpIdentifier?: string } {
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const identityProvider = text(params.identity_provider);
  const idpIdentifier = text(params.idp_identifier);
  return { ...(identityProvider ? { identityProvider } : {}), ...(idpIdentifier ? { idpIdentifier } : {}) };
}

/** Whether an authorization request asks for an external IdP (COGNITO is the hosted login page itself). */
export function asksForExternalIdp(params: Record<string, unknown>): boolean {
  const { identityProvider, idpIdentifier } = federationParams(params);
  return identityProvider !== undefined ? identityProvider !== 'COGNITO' : idpIdentifier !== undefined;
}

/**
 * An authorization request naming an external IdP always goes to it (Cognito does not answer it
 * from an existing login session): such a request without `prompt` is handled as `prompt=login`.
 */
export function installFederationPrompt(provider: Provider): void {
  provider.use(async (ctx, next) => {
    if (ctx.path === '/oauth2/authorize' && ctx.query.prompt === undefined && asksForExternalIdp(ctx.query as Record<string, unknown>)) {
      // Keep the library's mount path (see implicit.ts): it is the part of originalUrl before url.
      const raw = ctx.req as typeof ctx.req & { originalUrl?: string };
      const before = raw.url ?? '';
      const mountPath = raw.originalUrl?.endsWith(before) ? raw.originalUrl.slice(0, raw.originalUrl.length - before.length) : '';
      ctx.querystring = new URLSearchParams({ ...(ctx.query as Record<string, string>), prompt: 'login' }).toString();
      if (raw.originalUrl !== undefined) raw.originalUrl = mountPath + (raw.url ?? '');
    }
    await next();
  });
}
