import type { Provider } from '@nestjs/common';
import {
  CreateAdminKeyHandler,
  ListAdminKeysHandler,
  ListOutboxHandler,
  ProjectionStatusHandler,
  RebuildProjectionHandler,
  RevokeAdminKeyHandler,
} from './admin.use-cases.js';

export const ADMIN_PROVIDERS: Provider[] = [
  CreateAdminKeyHandler,
  RevokeAdminKeyHandler,
  ListAdminKeysHandler,
  ProjectionStatusHandler,
  RebuildProjectionHandler,
  ListOutboxHandler,
];
