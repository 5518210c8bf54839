import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLIENTS_TABLE } from '../../../projections/user-directory/user-directory.projection.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { loadPool } from '../user-pool.repository.js';
import { type ClientView, clientView } from './client.commands.js';
import { loadClient } from './client.repository.js';

export class DescribeUserPoolClientQuery extends Query<ClientView> {
  constructor(readonly input: { poolId: string; clientId: string }) {
    super();
  }
}

@QueryHandler(DescribeUserPoolClientQuery)
export class DescribeUserPoolClientHandler implements IQueryHandler<DescribeUserPoolClientQuery> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input }: DescribeUserPoolClientQuery): Promise<ClientView> {
    await loadPool(this.platform.store, input.poolId);
    return clientView(this.platform, await loadClient(this.platform.store, input.clientId, input.poolId));
  }
}

export interface ClientSummary {
  clientId: string;
  poolId: string;
  clientName: string;
}

export class ListUserPoolClientsQuery extends Query<{ clients: ClientSummary[]; nextToken?: string }> {
  constructor(readonly input: { poolId: string; maxResults: number; nextToken?: string }) {
    super();
  }
}

@QueryHandler(ListUserPoolClientsQuery)
export class ListUserPoolClientsHandler implements IQueryHandler<ListUserPoolClientsQuery> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input }: ListUserPoolClientsQuery) {
    const pool = await loadPool(this.platform.store, input.poolId);
    let after = '';
    if (input.nextToken) {
      after = Buffer.from(input.nextToken, 'base64url').toString('utf8');
      if (!/^[\w+]{1,128}$/.test(after)) throw new InvalidParameterError('Invalid NextToken');
    }
    const r = await this.platform.db.query<{ client_id: string; client_name: string }>(
      `SELECT client_id, client_name FROM ${CLIENTS_TABLE} WHERE pool_id = $1 AND client_id > $2 ORDER BY client_id LIMIT $3`,
      [pool.poolId, after, input.maxResults + 1],
    );
    const rows = r.rows.slice(0, input.maxResults);
    const more = r.rows.length > input.maxResults;
    return {
      clients: rows.map((row) => ({ clientId: row.client_id, poolId: pool.poolId, clientName: row.client_name })),
      ...(more ? { nextToken: Buffer.from(rows[rows.length - 1].client_id).toString('base64url') } : {}),
    };
  }
}
