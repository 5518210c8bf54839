import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTracing, type Tracing } from '../../src/observability/tracing-sdk.js';
import { type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';

/** One sign-in's span tree: the HTTP request, its use case, the event-store write inside it; and the trace id on the events it wrote. */
describe('a sign-in is traced from the request to the append', () => {
  let tracing: Tracing;
  let app: RunningApp;

  beforeAll(async () => {
    tracing = startTracing({ exporter: 'memory', serviceName: 'cairn-test' });
    app = await startApp('pglite');
  });

  afterAll(async () => {
    await app?.destroy();
    await tracing?.shutdown();
  });

  test('SERVER span → use-case InitiateAuthCommand → event-store appendMany, one trace, correlation id on the span and the events', async () => {
    const admin = sdkClient(app.url);
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'traced' }))).UserPool!.Id!;
    const clientId = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tracy', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tracy', Password: 'Correct-Horse-9', Permanent: true }));
    tracing.memory!.reset();

    const anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    const signedIn = await anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tracy', PASSWORD: 'Correct-Horse-9' } }),
    );
    const requestId = signedIn.$metadata.requestId;

    const spans = tracing.memory!.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['cairn.correlation_id'] === requestId);
    expect(server).toBeDefined();
    const inTrace = spans.filter((s) => s.spanContext().traceId === server!.spanContext().traceId);
    const child = (parent: ReadableSpan, name: string) => inTrace.find((s) => s.name === name && s.parentSpanContext?.spanId === parent.spanContext().spanId);
    const useCase = child(server!, 'use-case InitiateAuthCommand');
    expect(useCase).toBeDefined();
    expect(child(useCase!, 'event-store appendMany')).toBeDefined();

    // The events the sign-in wrote name its trace.
    const written = await app.platform.db.query<{ metadata: { correlationId: string; traceId?: string } }>(
      `SELECT metadata FROM es_events WHERE metadata->>'correlationId' = $1`,
      [requestId],
    );
    expect(written.rows.length).toBeGreaterThan(0);
    for (const row of written.rows) expect(row.metadata.traceId).toBe(server!.spanContext().traceId);
  });
});
