import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { READ_DB } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { POOLS_TABLE } from '../directory/tables.js';

export interface ListUserPoolsInput {
  limit: number;
  cursor?: string;
  /** Only pools of this region (a Cognito endpoint lists its own region's pools); all when absent. */
  region?: string;
}

export interface PoolSummary {
  poolId: string;
  name: string;
  region: string;
  createdAt: string;
}

export interface UserPoolPage {
  pools: PoolSummary[];
  nextCursor?: string;
}

/** ListUserPools: a Cognito endpoint is regional, so the region of the call's scope is part of the input. */
export class ListUserPoolsQuery extends UseCaseQuery<ListUserPoolsInput, UserPoolPage> {}

interface Row {
  pool_id: string;
  name: string;
  region: string;
  created_at: Date | string;
}

/** Lists pools from the user-directory read model, by pool id, with an opaque cursor. */
@QueryHandler(ListUserPoolsQuery)
export class ListUserPoolsHandler implements IQueryHandler<ListUserPoolsQuery> {
  constructor(@Inject(READ_DB) private readonly db: SqlExecutor) {}

  async execute({ input }: ListUserPoolsQuery): Promise<UserPoolPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.region) {
      params.push(input.region);
      where.push(`region = $${params.length}`);
    }
    if (input.cursor) {
      params.push(decodeCursor(input.cursor));
      where.push(`pool_id > $${params.length}`);
    }
    // One row more than asked tells whether another page exists without a count.
    params.push(input.limit + 1);
    const r = await this.db.query<Row>(
      `SELECT pool_id, name, region, created_at FROM ${POOLS_TABLE}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY pool_id LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, input.limit);
    const last = rows[rows.length - 1];
    return {
      pools: rows.map((row) => ({
        poolId: row.pool_id,
        name: row.name,
        region: row.region,
        createdAt: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
      })),
      ...(r.rows.length > input.limit && last ? { nextCursor: encodeCursor(last.pool_id) } : {}),
    };
  }
}

function encodeCursor(poolId: string): string {
  return Buffer.from(JSON.stringify({ after: poolId })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value?.after === 'string') return value.after;
  } catch {
    // fall through: any undecodable token is the caller's mistake
  }
  throw new InvalidParameterError('Invalid pagination token');
}
