import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminGuard } from '../../../src/api/rest/admin.guard.js';
import { HistoryController } from '../../../src/api/rest/history.controller.js';
import { RestExceptionFilter } from '../../../src/api/rest/rest-exception.filter.js';
import { REST_PROVIDERS } from '../../../src/api/rest/rest.parts.js';
import { HISTORY_PROVIDERS } from '../../../src/history/history.providers.js';
import type { Platform } from '../../../src/platform/platform.js';
import { platformProviders } from '../../../src/platform/providers.js';
import { READ_MODELS, type ReadModels } from '../../../src/shared/ports.js';
import { Users } from '../../../src/user-pools/users.js';
import { freePort } from '../../support/app.js';

@Module({})
class HistoryTestModule {
  static with(platform: Platform, readModels: ReadModels): DynamicModule {
    return {
      module: HistoryTestModule,
      imports: [CqrsModule.forRoot()],
      controllers: [HistoryController],
      // The platform's ports, then the waits of the test's projection follower in place of the platform runner's.
      providers: [...platformProviders(platform), { provide: READ_MODELS, useValue: readModels }, Users, ...HISTORY_PROVIDERS, AdminGuard, ...REST_PROVIDERS],
    };
  }
}

/**
 * The history routes over a running app's platform, until app.module.ts registers the
 * controller: the same controller, guard, handlers and error filter, in a Nest app of their own.
 */
export async function startHistoryApp(platform: Platform, readModels: ReadModels): Promise<{ url: string; close(): Promise<void> }> {
  const app = await NestFactory.create<NestFastifyApplication>(HistoryTestModule.with(platform, readModels), new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new RestExceptionFilter(platform.logger));
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
