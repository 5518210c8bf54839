import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { systemContext } from '../shared/request-context.js';
import { CreateUserPoolClientCommand } from '../user-pools/clients/client.commands.js';
import { ListUserPoolClientsQuery } from '../user-pools/clients/client.queries.js';
import { CreateUserPoolCommand } from '../user-pools/commands/create-user-pool.js';
import { CreateUserPoolDomainCommand, DescribeUserPoolDomainQuery } from '../user-pools/oauth/domain.use-cases.js';

/** The demo's pool domain and app client (`npm start` on the embedded default, DEMO). */
export const DEMO_DOMAIN = 'demo';
export const DEMO_CLIENT = 'demo-app';
/** The demo's own page: sign-in and sign-up links, and the signed-in user read from the ID token. */
export const DEMO_PATH = '/demo';

export interface DemoApp {
  poolId: string;
  clientId: string;
  /** The page to open in a browser. */
  url: string;
  /** The hosted sign-in page of the demo client (implicit grant back to the demo page; it links to sign-up). */
  signInUrl: string;
  /** Cognito's /logout for the demo client, back to the demo page. */
  signOutUrl: string;
}

/** The demo pool, domain and client when they exist. */
export async function findDemo(queries: QueryBus, publicBaseUrl: string): Promise<DemoApp | undefined> {
  const context = systemContext('demo');
  const domain = await queries.execute(new DescribeUserPoolDomainQuery({ domain: DEMO_DOMAIN }, context));
  if (!domain) return undefined;
  const { clients } = await queries.execute(new ListUserPoolClientsQuery({ poolId: domain.poolId, maxResults: 60 }, context));
  const client = clients.find((c) => c.clientName === DEMO_CLIENT);
  if (!client) return undefined;
  return demoApp(publicBaseUrl, domain.poolId, client.clientId);
}

/**
 * Creates the demo once (a pool whose users sign up with an email address, its domain `demo`
 * and a public app client for the hosted pages) through the same commands as the API, so it is
 * in the log like anything else; later starts find it. Nothing is created when the domain is
 * taken by another pool.
 */
export async function ensureDemo(commands: CommandBus, queries: QueryBus, publicBaseUrl: string): Promise<{ demo: DemoApp; created: boolean }> {
  const found = await findDemo(queries, publicBaseUrl);
  if (found) return { demo: found, created: false };
  const context = systemContext('demo');
  const existing = await queries.execute(new DescribeUserPoolDomainQuery({ domain: DEMO_DOMAIN }, context));
  const poolId =
    existing?.poolId ??
    (
      await commands.execute(
        new CreateUserPoolCommand(
          {
            name: 'demo',
            autoVerifiedAttributes: ['email'],
            schema: [{ name: 'email', dataType: 'String', required: true, mutable: true }],
          },
          context,
        ),
      )
    ).poolId;
  if (!existing) await commands.execute(new CreateUserPoolDomainCommand({ poolId, domain: DEMO_DOMAIN }, context));
  const page = `${publicBaseUrl}${DEMO_PATH}`;
  const client = await commands.execute(
    new CreateUserPoolClientCommand(
      {
        poolId,
        generateSecret: false,
        settings: {
          clientName: DEMO_CLIENT,
          explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          allowedOAuthFlowsUserPoolClient: true,
          allowedOAuthFlows: ['code', 'implicit'],
          allowedOAuthScopes: ['openid', 'email', 'profile'],
          callbackURLs: [page],
          logoutURLs: [page],
          supportedIdentityProviders: ['COGNITO'],
        },
      },
      context,
    ),
  );
  return { demo: demoApp(publicBaseUrl, poolId, client.clientId), created: true };
}

function demoApp(publicBaseUrl: string, poolId: string, clientId: string): DemoApp {
  const page = `${publicBaseUrl}${DEMO_PATH}`;
  const query = new URLSearchParams({ client_id: clientId, response_type: 'token', scope: 'openid email profile', redirect_uri: page }).toString();
  const domainUrl = `${publicBaseUrl}/auth/${DEMO_DOMAIN}`;
  const signOut = new URLSearchParams({ client_id: clientId, logout_uri: page }).toString();
  return { poolId, clientId, url: page, signInUrl: `${domainUrl}/login?${query}`, signOutUrl: `${domainUrl}/logout?${signOut}` };
}
