import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Transform } from 'node:stream';
import type { AuthenticatedRequest } from './request-context.js';

/**
 * SigV4 signs the body's bytes, so a signed REST or GraphQL request keeps them as they arrive:
 * the payload stream passes through a tee before Fastify's parser (which still enforces the body
 * limit). Only requests carrying a SigV4 Authorization header pay for the copy; the Cognito
 * route (`POST /`) keeps its own raw-body parser.
 */
@Injectable()
export class RawBodyCapture implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      const auth = request.headers.authorization;
      if (typeof auth !== 'string' || !auth.startsWith('AWS4-HMAC-SHA256 ') || request.url === '/' || request.url.startsWith('/?')) return payload;
      const chunks: Buffer[] = [];
      (request as AuthenticatedRequest).rawBody = Buffer.alloc(0);
      const tee = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done(null, chunk);
        },
        flush(done) {
          (request as AuthenticatedRequest).rawBody = Buffer.concat(chunks);
          done();
        },
      });
      // Fastify reads the declared length from the stream it is given.
      (tee as unknown as { receivedEncodedLength?: number }).receivedEncodedLength = (
        payload as unknown as { receivedEncodedLength?: number }
      ).receivedEncodedLength;
      return payload.pipe(tee);
    });
  }
}
