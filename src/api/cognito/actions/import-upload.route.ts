import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../shared/domain-error.js';
import { MAX_IMPORT_FILE_BYTES, UploadUserImportFileCommand } from '../../../user-pools/import/import.use-cases.js';
import { type AuthenticatedRequest, contextOf } from '../../rest/request-context.js';

/** S3's error names for the answers an upload can get (the SDKs and curl users know them). */
const S3_ERRORS: Record<string, [number, string]> = {
  NotAuthorizedException: [403, 'AccessDenied'],
  ResourceNotFoundException: [404, 'NoSuchKey'],
  PreconditionNotMetException: [412, 'PreconditionFailed'],
  InvalidParameterException: [400, 'InvalidRequest'],
};

/**
 * The pre-signed URL of a user import job, served by this service as Cognito's S3 URL is by S3:
 * `PUT /user-import-uploads/<poolId>/<jobId>?expires=..&signature=..` with the file as the body
 * (`curl -T users.csv -H 'x-amz-server-side-encryption: aws:kms' "$PRE_SIGNED_URL"` works as it
 * does against Cognito; the header is accepted and not needed). Its own plugin scope keeps the
 * raw-bytes body parser and the larger body limit to this route.
 */
@Injectable()
export class ImportUploadRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_IMPORT_FILE_BYTES }, (_request, body, done) => done(null, body));
      scope.setErrorHandler((error, _request, reply) => {
        const tooLarge = (error as { statusCode?: number }).statusCode === 413;
        s3Error(
          reply,
          tooLarge ? 413 : 400,
          tooLarge ? 'EntityTooLarge' : 'InvalidRequest',
          tooLarge ? 'Your proposed upload exceeds the maximum allowed size' : 'The request could not be read',
        );
      });
      scope.put('/user-import-uploads/:poolId/:jobId', { bodyLimit: MAX_IMPORT_FILE_BYTES }, (request, reply) => this.upload(request, reply));
    });
  }

  private async upload(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { poolId, jobId } = request.params as { poolId: string; jobId: string };
    const query = request.query as Record<string, string | undefined>;
    const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      await this.commands.execute(
        new UploadUserImportFileCommand(
          { poolId, jobId, expires: query.expires ?? '', signature: query.signature ?? '', content },
          contextOf(request as AuthenticatedRequest),
        ),
      );
      void reply.status(200).send();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const [status, code] = S3_ERRORS[error.code] ?? [400, 'InvalidRequest'];
      s3Error(reply, status, code, error.message);
    }
  }
}

function s3Error(reply: FastifyReply, status: number, code: string, message: string): void {
  const escaped = message.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string);
  void reply
    .status(status)
    .header('content-type', 'application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escaped}</Message></Error>`);
}
