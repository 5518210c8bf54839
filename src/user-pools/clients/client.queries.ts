import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { READ_DB } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { CLIENTS_TABLE } from '../directory/tables.js';
import { Pools } from '../pools.js';
import { AppClients } from './app-clients.js';
import { type ClientView, clientView } from './client.commands.js';

export class DescribeUserPoolClientQuery extends UseCaseQuery<{ poolId: string; clientId: string }, ClientView> {}

@QueryHandler(DescribeUserPoolClientQuery)
export class DescribeUserPoolClientHandler implements IQueryHandler<DescribeUserPoolClientQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input }: DescribeUserPoolClientQuery): Promise<ClientView> {
    await this.pools.load(input.poolId);
    return clientView(this.clients, await this.clients.load(input.clientId, input.poolId));
  }
}

export interface ClientSummary {
  clientId: string;
  poolId: string;
  clientName: string;
}

export class ListUserPoolClientsQuery extends UseCaseQuery<
  { poolId: string; maxResults: number; nextToken?: string },
  { clients: ClientSummary[]; nextToken?: string }
> {}

@QueryHandler(ListUserPoolClientsQuery)
export class ListUserPoolClientsHandler implements IQueryHandler<ListUserPoolClientsQuery> {
  constructor(
    private readonly pools: Pools,
    @Inject(READ_DB) private readonly db: SqlExecutor,
  ) {}

  async execute({ input }: ListUserPoolClientsQuery) {
    const pool = await this.pools.load(input.poolId);
    let after = '';
    if (input.nextToken) {
      after = Buffer.from(input.nextToken, 'base64url').toString('utf8');
      if (!/^[\w+]{1,128}$/.test(after)) throw new InvalidParameterError('Invalid NextToken');
    }
    const r = await this.db.query<{ client_id: string; client_name: string }>(
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
