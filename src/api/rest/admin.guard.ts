import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ADMIN_CHALLENGE, AdminCredentials } from './admin-credentials.js';
import type { AuthenticatedRequest } from './request-context.js';

/**
 * Admin routes take an admin access key: HTTP Basic (access key id : secret access key) or an
 * AWS SigV4 signature (service `cairn`). Use HTTPS in front of the service outside loopback.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly credentials: AdminCredentials) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      request.adminKeyId = await this.credentials.authenticate(request);
    } catch (error) {
      void http.getResponse<FastifyReply>().header('www-authenticate', ADMIN_CHALLENGE);
      throw error;
    }
    return true;
  }
}
