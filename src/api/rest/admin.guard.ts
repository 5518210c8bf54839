import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AdminKeys } from '../../admin/admin-keys.js';
import { UnauthenticatedError } from '../../shared/domain-error.js';
import type { AuthenticatedRequest } from './request-context.js';

/**
 * Admin routes take the deployment's admin access key as HTTP Basic credentials
 * (access key id : secret access key). Use HTTPS in front of the service outside loopback.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly adminKeys: AdminKeys) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
    if (!match) throw new UnauthenticatedError('admin credentials required (HTTP Basic with an admin access key)');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon > 0 ? decoded.slice(0, colon) : '';
    const secret = colon > 0 ? decoded.slice(colon + 1) : '';
    if (!id || !(await this.adminKeys.verify(id, secret))) {
      throw new UnauthenticatedError('invalid admin credentials');
    }
    request.adminKeyId = id;
    return true;
  }
}
