import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CognitoRoute } from './api/cognito/cognito.route.js';
import { AdminController } from './api/rest/admin.controller.js';
import { AdminGuard } from './api/rest/admin.guard.js';
import { HealthController } from './api/rest/health.controller.js';
import { UserPoolsController } from './api/rest/user-pools.controller.js';
import type { Platform } from './platform/platform.js';
import { PLATFORM } from './platform/platform.token.js';
import { JwksController } from './tokens/jwks.controller.js';
import { SigningKeysController } from './tokens/signing-keys.controller.js';
import { CreateUserPoolClientHandler, DeleteUserPoolClientHandler, UpdateUserPoolClientHandler } from './user-pools/clients/client.commands.js';
import { DescribeUserPoolClientHandler, ListUserPoolClientsHandler } from './user-pools/clients/client.queries.js';
import { ConfirmSignUpHandler } from './user-pools/commands/confirm-sign-up.js';
import { CreateUserPoolHandler } from './user-pools/commands/create-user-pool.js';
import { AddCustomAttributesHandler } from './user-pools/commands/add-custom-attributes.js';
import { DeleteUserPoolHandler } from './user-pools/commands/delete-user-pool.js';
import { UpdateUserPoolHandler } from './user-pools/commands/update-user-pool.js';
import { SignUpHandler } from './user-pools/commands/sign-up.js';
import { GetUserPoolHandler } from './user-pools/queries/get-user-pool.js';
import { ListUserPoolsHandler } from './user-pools/queries/list-user-pools.js';
import { ListUsersHandler } from './user-pools/queries/list-users.js';

@Module({})
export class AppModule {
  static with(platform: Platform): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [UserPoolsController, AdminController, HealthController, JwksController, SigningKeysController],
      providers: [
        { provide: PLATFORM, useValue: platform },
        AdminGuard,
        CreateUserPoolHandler,
        UpdateUserPoolHandler,
        DeleteUserPoolHandler,
        AddCustomAttributesHandler,
        SignUpHandler,
        ConfirmSignUpHandler,
        GetUserPoolHandler,
        ListUsersHandler,
        ListUserPoolsHandler,
        CognitoRoute,
        CreateUserPoolClientHandler,
        UpdateUserPoolClientHandler,
        DeleteUserPoolClientHandler,
        DescribeUserPoolClientHandler,
        ListUserPoolClientsHandler,
      ],
    };
  }
}
