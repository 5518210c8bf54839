import type { Provider } from '@nestjs/common';
import { HostedPages } from '../hosted-pages/hosted-pages.js';
import { OAuthArtifacts } from './artifacts.js';
import { OAuthRoute } from './oauth.route.js';
import { PoolProviders } from './pool-providers.js';

/** The OAuth 2.0 / OIDC surface and the hosted pages (the composition root lists these once). */
export const OAUTH_PROVIDERS: Provider[] = [OAuthArtifacts, PoolProviders, HostedPages, OAuthRoute];
