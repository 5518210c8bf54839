import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ADMIN_PROVIDERS } from './admin/admin.providers.js';
import { CognitoRoute } from './api/cognito/cognito.route.js';
import { ImportUploadRoute } from './api/cognito/actions/import-upload.route.js';
import { logDeliveryProviders } from './platform/log-delivery.providers.js';
import { AdminController } from './api/rest/admin.controller.js';
import { AdminGuard } from './api/rest/admin.guard.js';
import { HealthController } from './api/rest/health.controller.js';
import { JwksController } from './api/rest/jwks.controller.js';
import { MetricsController } from './api/rest/metrics.controller.js';
import { SigningKeysController } from './api/rest/signing-keys.controller.js';
import { REST_CONTROLLERS, REST_PROVIDERS } from './api/rest/rest.parts.js';
import { GRAPHQL_CONTROLLERS, GRAPHQL_PROVIDERS, graphqlModule } from './api/graphql/graphql.parts.js';
import { AUTH_PROVIDERS } from './auth/auth.providers.js';
import { AUTH_OAUTH_PROVIDERS } from './auth/oauth/oauth.providers.js';
import { OAUTH_PROVIDERS } from './oauth/oauth.parts.js';
import { HISTORY_PROVIDERS } from './history/history.providers.js';
import type { Platform } from './platform/platform.js';
import { platformProviders } from './platform/providers.js';
import { PLATFORM } from './platform/platform.token.js';
import { USER_POOLS_PROVIDERS } from './user-pools/user-pools.providers.js';
import { IDENTITY_POOLS_PROVIDERS } from './identity-pools/identity-pools.providers.js';
import { IdentityHttpRoutes } from './api/cognito/identity/identity-http.route.js';

/**
 * The application: the platform's ports, each context's services and use-case handlers (reached
 * only through the CommandBus / QueryBus), and the API surfaces over them.
 */
@Module({})
export class AppModule {
  static with(platform: Platform): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), graphqlModule()],
      controllers: [...REST_CONTROLLERS, ...GRAPHQL_CONTROLLERS, AdminController, HealthController, JwksController, SigningKeysController, MetricsController],
      providers: [
        { provide: PLATFORM, useValue: platform },
        ...platformProviders(platform),
        ...USER_POOLS_PROVIDERS,
        ...AUTH_PROVIDERS,
        ...AUTH_OAUTH_PROVIDERS,
        ...ADMIN_PROVIDERS,
        ...HISTORY_PROVIDERS,
        ...IDENTITY_POOLS_PROVIDERS,
        IdentityHttpRoutes,
        AdminGuard,
        ...REST_PROVIDERS,
        ...GRAPHQL_PROVIDERS,
        CognitoRoute,
        ...OAUTH_PROVIDERS,
        ImportUploadRoute,
        ...logDeliveryProviders(platform),
      ],
    };
  }
}
