import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { openApiDocument } from './openapi.js';

@Controller()
export class HealthController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Get('health')
  health() {
    return { status: 'ok', eventStore: this.platform.store.kind, production: this.platform.config.PRODUCTION };
  }

  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  openapi() {
    return openApiDocument(this.platform.config.PUBLIC_BASE_URL);
  }
}
