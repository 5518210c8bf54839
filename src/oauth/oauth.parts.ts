import type { Provider } from '@nestjs/common';
import { HostedPages } from '../hosted-pages/hosted-pages.js';
import { OAuthArtifacts } from './artifacts.js';
import { DemoRoute } from './demo.route.js';
import { FederationRoute } from './federation.route.js';
import { OAuthRoute } from './oauth.route.js';
import { PoolProviders } from './pool-providers.js';
import { SamlRoute } from './saml.route.js';

/** The OAuth 2.0 / OIDC surface, the hosted pages and the demo page (the composition root lists these once). */
export const OAUTH_PROVIDERS: Provider[] = [OAuthArtifacts, PoolProviders, HostedPages, OAuthRoute, DemoRoute, FederationRoute, SamlRoute];
