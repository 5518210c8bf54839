import { AdminCredentials } from './admin-credentials.js';
import { AsyncApiController } from './asyncapi.controller.js';
import { ClientsController } from './clients.controller.js';
import { DocsController } from './docs.controller.js';
import { GroupsController } from './groups.controller.js';
import { MeController } from './me.controller.js';
import { RawBodyCapture } from './raw-body.js';
import { SignInController } from './sign-in.controller.js';
import { UserPoolsController } from './user-pools.controller.js';
import { UsersController } from './users.controller.js';
import { HistoryController } from './history.controller.js';
import { CapabilitiesController } from './capabilities.controller.js';

/** The REST surface's resource controllers and the docs page (app.module.ts registers them). */
export const REST_CONTROLLERS = [
  UserPoolsController,
  ClientsController,
  UsersController,
  GroupsController,
  SignInController,
  MeController,
  HistoryController,
  CapabilitiesController,
  DocsController,
  AsyncApiController,
];

/** What the REST (and GraphQL) surfaces need besides the contexts: admin credentials, the raw body for SigV4. */
export const REST_PROVIDERS = [AdminCredentials, RawBodyCapture];
