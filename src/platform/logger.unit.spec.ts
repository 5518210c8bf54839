import { Writable } from 'node:stream';
import { createLogger, scrub } from './logger.js';

/** A logger whose lines are kept for the assertions. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ LOG_LEVEL: 'debug' }, stream), text: () => lines.join('') };
}

describe('no log line carries a secret or an event payload', () => {
  test('a database error with the statement parameters (a whole event) is logged without them', () => {
    const { logger, text } = capture();
    const event = {
      type: 'UserSignedUp',
      data: { username: 'alice', attributes: { email: 'alice@example.test' }, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' },
    };
    const error = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      parameters: [JSON.stringify([event])],
      detail: `Failing row contains (${JSON.stringify(event)}).`,
      where: 'PL/pgSQL function es_append',
      query: 'SELECT es_append($1, $2)',
    });
    logger.error({ err: error }, 'unhandled error on the Cognito API');
    const out = text();
    expect(out).toContain('22021');
    expect(out).toContain('invalid byte sequence');
    for (const secret of ['$argon2id$', 'alice@example.test', 'passwordHash', 'Failing row', 'es_append($1']) expect(out).not.toContain(secret);
  });

  test('secret-shaped text in a message is scrubbed', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    const text = scrub(
      `user bob@x.test code 123456 token ${jwt} hash $argon2id$v=19$abc secret v1.aXY.Ym9keQ.dGFn phone +15555550100 refresh ${'A'.repeat(64)}.${'b'.repeat(64)}`,
    );
    for (const secret of ['bob@x.test', '123456', jwt, '$argon2id$', 'v1.aXY', '+15555550100', 'A'.repeat(64)]) expect(text).not.toContain(secret);
  });

  test('objects logged with secret fields have them redacted', () => {
    const { logger, text } = capture();
    logger.warn(
      { password: 'hunter2', user: { passwordHash: '$argon2id$x', secret: 's3cr3t' }, headers: { authorization: 'Basic abc' }, body: { Password: 'x' } },
      'careless',
    );
    const out = text();
    for (const secret of ['hunter2', '$argon2id$x', 's3cr3t', 'Basic abc', '"Password"']) expect(out).not.toContain(secret);
  });
});
