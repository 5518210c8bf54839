import { toWireError } from '../../src/api/cognito/cognito-errors.js';
import { toRestError } from '../../src/api/rest/rest-exception.filter.js';
import { DatabaseUnavailableError, isConnectionFailure, isDatabaseUnavailable } from '../../src/db/database-errors.js';
import { DatabaseHealth } from '../../src/db/database-health.js';
import { eventually } from '../support/wait.js';

/** A logger that keeps (level, message, fields). */
function keeper() {
  const lines: { level: string; message: string; fields: object }[] = [];
  const keep = (level: string) => (fields: object, message: string) => void lines.push({ level, message, fields });
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('connection failures', () => {
  test.each([
    ['admin shutdown (pg_terminate_backend, fast shutdown)', pgError('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', pgError('57P02')],
    ['starting up / shutting down', pgError('57P03', 'the database system is starting up')],
    ['connection exception class 08', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    ['reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['pg: socket ended', new Error('Connection terminated unexpectedly')],
    ['pg: broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    [
      'every address refused (AggregateError)',
      Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' }),
    ],
    ['wrapped as a cause', new Error('append failed', { cause: pgError('57P01') })],
  ])('%s is a connection failure', (_, error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  test.each([
    ['unique violation', pgError('23505')],
    ['statement cancelled (timeout)', pgError('57014')],
    ['database dropped', pgError('57P04')],
    ['syntax error', pgError('42601')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['nothing', undefined],
  ])('%s is not', (_, error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});

describe('DatabaseUnavailableError on the wire', () => {
  const unavailable = new DatabaseUnavailableError(pgError('57P01', 'terminating connection due to administrator command'));

  test('is typed, retriable, and keeps its cause', () => {
    expect(unavailable).toMatchObject({ code: 'ServiceUnavailable', status: 503, retriable: true, name: 'DatabaseUnavailableError' });
    expect(unavailable.message).toBe('database unavailable: terminating connection due to administrator command (57P01)');
    expect(isDatabaseUnavailable(unavailable)).toBe(true);
    expect(isDatabaseUnavailable(new Error('handler failed', { cause: unavailable }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('other'))).toBe(false);
  });

  test('Cognito protocol: 503 ServiceUnavailable, nothing logged per request; a bug still logs with its stack', () => {
    const logger = keeper();
    expect(toWireError(unavailable, logger as never)).toEqual({
      status: 503,
      type: 'ServiceUnavailable',
      message: expect.stringMatching(/temporarily unavailable/),
    });
    expect(toWireError(new Error('wrapped', { cause: unavailable }), logger as never).status).toBe(503);
    expect(logger.lines).toEqual([]);
    const bug = new TypeError('boom');
    expect(toWireError(bug, logger as never)).toMatchObject({ status: 500, type: 'InternalErrorException' });
    expect(logger.lines).toEqual([{ level: 'error', fields: { err: bug }, message: expect.any(String) }]);
  });

  test('REST: 503 ServiceUnavailable, nothing logged per request', () => {
    const logger = keeper();
    expect(toRestError(unavailable, logger as never)).toEqual({
      status: 503,
      body: {
        type: 'urn:cairn:problem:ServiceUnavailable',
        title: 'Service unavailable',
        status: 503,
        code: 'ServiceUnavailable',
        detail: expect.stringMatching(/temporarily unavailable/),
      },
    });
    expect(logger.lines).toEqual([]);
  });
});

describe('DatabaseHealth', () => {
  const terminated = () => pgError('57P01', 'terminating connection due to administrator command');

  test('logs an outage once and the recovery once (after it held), and counts every failure', async () => {
    const logger = keeper();
    const health = new DatabaseHealth(logger, { settleMs: 20 });
    const changes: boolean[] = [];
    health.onChange((available) => changes.push(available));
    for (let i = 0; i < 300; i++) health.failed(terminated());
    expect(health.snapshot()).toMatchObject({ available: false, failures: 300, outages: 1, lastError: expect.stringMatching(/57P01/) });
    health.succeeded();
    health.succeeded();
    expect(health.available).toBe(true);
    expect(health.recoveredAt).toBeGreaterThan(0);
    await eventually(() => logger.lines.length === 2, 2000, 'the recovery line');
    expect(logger.lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn database unavailable: operations fail with ServiceUnavailable until it is back',
      'info database back',
    ]);
    expect(logger.lines[1].fields).toMatchObject({ failures: 300, downMs: expect.any(Number) });
    expect(changes).toEqual([false, true]);
  });

  test('a relapse right after a recovery is the same outage: one pair of lines, however it flaps', async () => {
    const logger = keeper();
    const health = new DatabaseHealth(logger, { settleMs: 50 });
    for (let flap = 0; flap < 5; flap++) {
      health.failed(terminated());
      health.succeeded();
    }
    expect(health.outages).toBe(1);
    await eventually(() => logger.lines.length === 2, 2000, 'the recovery line');
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logger.lines[1].fields).toMatchObject({ failures: 5 });
  });

  test('an operation that began before the recovery and fails late counts, but does not mark it down again', () => {
    const logger = keeper();
    const health = new DatabaseHealth(logger, { settleMs: 0 });
    const before = health.epoch;
    health.failed(new Error('Connection terminated unexpectedly'), before);
    health.succeeded();
    health.failed(new Error('Connection terminated unexpectedly'), before); // started before the recovery
    expect(health.available).toBe(true);
    expect(health.failures).toBe(2);
    health.failed(new Error('Connection terminated unexpectedly')); // a fresh one: down again
    expect(health.snapshot()).toMatchObject({ available: false, failures: 3 });
  });
});
