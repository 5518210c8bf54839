import { Controller, Get, Header } from '@nestjs/common';
import { asyncApiDocument } from '../../events/asyncapi.js';

/** The AsyncAPI 3.0 document of the Kafka event stream and the trigger topics (src/events/asyncapi.ts). */
@Controller()
export class AsyncApiController {
  @Get('asyncapi.json')
  @Header('cache-control', 'no-cache')
  document() {
    return asyncApiDocument();
  }
}
