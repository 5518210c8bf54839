import { BoundedLabel, outcomeOf } from '../../src/observability/labels.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { Metrics } from '../../src/observability/metrics.js';
import { meterAppends } from '../../src/observability/platform-metrics.js';

/** Series lines of one metric in the text exposition (no HELP/TYPE lines). */
function series(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('metric labels are bounded', () => {
  it('an allow-list lets only its values through', () => {
    const label = new BoundedLabel({ allowed: ['USER_PASSWORD_AUTH'] });
    expect(label.bound('USER_PASSWORD_AUTH')).toBe('USER_PASSWORD_AUTH');
    expect(label.bound('alice@example.com')).toBe('other');
    expect(label.bound(undefined)).toBe('other');
  });

  it('without an allow-list, at most maxValues distinct well-formed values pass; the rest fold', () => {
    const label = new BoundedLabel({ maxValues: 3 });
    expect(['a', 'b', 'c', 'd', 'a'].map((v) => label.bound(v))).toEqual(['a', 'b', 'c', 'other', 'a']);
    expect(label.bound('has\nnewline')).toBe('other');
    expect(label.bound('x'.repeat(121))).toBe('other');
  });

  it('HTTP statuses map to three outcomes', () => {
    expect([200, 204, 302, 400, 404, 429, 500, 503].map(outcomeOf)).toEqual([
      'ok',
      'ok',
      'ok',
      'client_error',
      'client_error',
      'client_error',
      'server_error',
      'server_error',
    ]);
    expect(outcomeOf('client_error')).toBe('client_error');
  });

  it('a flood of caller-chosen actions cannot grow the request series past the cap', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    for (let i = 0; i < 1000; i++) metrics.observeRequest(`POST /user-${i}`, 200, 0.01);
    const lines = series(await metrics.render(), 'cairn_requests_total');
    expect(lines.length).toBeLessThanOrEqual(201);
    expect(lines.some((l) => l.includes('action="other"'))).toBe(true);
  });

  it('sign-in labels take only known flows and code-shaped reasons: no usernames, no pool-controlled strings', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.signIn('USER_PASSWORD_AUTH', 'success');
    metrics.signIn('USER_PASSWORD_AUTH', 'failure', 'wrong_password');
    metrics.signIn('alice', 'failure', 'alice@example.com');
    metrics.signIn('REFRESH_TOKEN_AUTH', 'failure', 'reason with spaces');
    const text = await metrics.render();
    expect(series(text, 'cairn_sign_ins_total').sort()).toEqual(
      [
        'cairn_sign_ins_total{flow="USER_PASSWORD_AUTH",result="success",reason="none"} 1',
        'cairn_sign_ins_total{flow="USER_PASSWORD_AUTH",result="failure",reason="wrong_password"} 1',
        'cairn_sign_ins_total{flow="other",result="failure",reason="other"} 1',
        'cairn_sign_ins_total{flow="REFRESH_TOKEN_AUTH",result="failure",reason="other"} 1',
      ].sort(),
    );
    expect(text).not.toContain('alice');
  });

  it('triggers and Kafka error kinds come from fixed lists', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.observeTrigger('PreSignUp', 'ok', 0.05);
    metrics.observeTrigger('https://hook.example/evil', 'error', 0.05);
    metrics.kafkaError('send');
    metrics.kafkaError('broker said: topic foo missing');
    const text = await metrics.render();
    expect(text).toContain('cairn_trigger_duration_seconds_count{trigger="PreSignUp",outcome="ok"} 1');
    expect(text).toContain('cairn_trigger_duration_seconds_count{trigger="other",outcome="error"} 1');
    expect(series(text, 'cairn_kafka_errors_total').sort()).toEqual(['cairn_kafka_errors_total{kind="other"} 1', 'cairn_kafka_errors_total{kind="send"} 1']);
  });
});

describe('metrics', () => {
  it('appends are timed and their conflicts counted by the event store error codes', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    await metrics.timeAppend(async () => 1, 'postgres');
    const conflict = Object.assign(new Error('conflict'), { code: 'WrongExpectedRevision' });
    await expect(metrics.timeAppend(async () => Promise.reject(conflict), 'postgres')).rejects.toBe(conflict);
    const taken = Object.assign(new Error('taken'), { code: 'UniqueConstraintViolation' });
    await expect(metrics.timeAppend(async () => Promise.reject(taken), 'postgres')).rejects.toBe(taken);
    const text = await metrics.render();
    expect(text).toContain('cairn_event_append_duration_seconds_count{store="postgres",outcome="ok"} 1');
    expect(text).toContain('cairn_event_append_duration_seconds_count{store="postgres",outcome="conflict"} 1');
    expect(text).toContain('cairn_event_append_conflicts_total{kind="conflict"} 1');
    expect(text).toContain('cairn_event_append_conflicts_total{kind="unique_violation"} 1');
  });

  it('pull sources are read on each scrape; removing one removes its series', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const hasher = { inFlight: 2, maxInFlight: 3, queued: 5 };
    const pool = { totalCount: 10, idleCount: 4, waitingCount: 1 };
    let lagCalls = 0;
    const runner = { lag: async () => (lagCalls++, [{ name: 'user_directory', eventsBehind: 7, msBehind: 1500 }]) };
    const forwarder = { lag: async () => ({ eventsBehind: 3, msBehind: 250 }), status: () => ({ leader: true, forwarded: 9 }) };
    metrics.watchPasswordHasher(hasher);
    metrics.watchPasswordHasher(hasher); // the same object twice counts once
    metrics.watchDbPool(pool);
    const database = { available: false, failures: 4, outages: 1 };
    metrics.watchDatabaseHealth(database);
    const unwatchRunner = metrics.watchProjections(runner);
    metrics.watchForwarder(forwarder);
    let text = await metrics.render();
    expect(text).toContain('cairn_password_hash_in_flight 2');
    expect(text).toContain('cairn_password_hash_queued 5');
    expect(text).toContain('cairn_db_pool_connections{state="in_use"} 6');
    expect(text).toContain('cairn_db_pool_waiting 1');
    expect(text).toContain('cairn_db_available{database="postgres"} 0');
    expect(text).toContain('cairn_db_unavailable_operations_total 4');
    expect(text).toContain('cairn_db_outages_total 1');
    expect(text).toContain('cairn_projection_lag_events{projection="user_directory"} 7');
    expect(text).toContain('cairn_projection_lag_seconds{projection="user_directory"} 1.5');
    expect(text).toContain('cairn_forwarder_lag_events{consumer="kafka-forwarder"} 3');
    expect(text).toContain('cairn_forwarder_leader{consumer="kafka-forwarder"} 1');
    expect(lagCalls).toBe(1); // both projection gauges share one read per scrape

    hasher.inFlight = 0;
    Object.assign(database, { available: true, failures: 6 });
    unwatchRunner();
    text = await metrics.render();
    expect(text).toContain('cairn_password_hash_in_flight 0');
    expect(text).toContain('cairn_db_available{database="postgres"} 1');
    expect(text).toContain('cairn_db_unavailable_operations_total 6');
    expect(text).not.toContain('projection="user_directory"');
  });

  it('a failing source leaves its gauges out and is counted, the scrape still answers', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.watchProjections({ lag: async () => Promise.reject(new Error('database down')) });
    const text = await metrics.render();
    expect(text).toContain('cairn_metrics_source_errors_total{source="projections"}');
    expect(series(text, 'cairn_projection_lag_seconds')).toEqual([]);
  });

  it('default metrics include the event-loop delay', async () => {
    const text = await new Metrics().render();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toContain('# TYPE cairn_trigger_duration_seconds histogram');
  });
});

describe('meterAppends', () => {
  class FakeStore {
    readonly kind = 'pglite' as const;
    readonly #written: string[] = [];
    async append(streamId: string) {
      if (streamId === 'taken') throw Object.assign(new Error('taken'), { code: 'UniqueConstraintViolation' });
      this.#written.push(streamId);
      return { streamId };
    }
    async appendMany(writes: { streamId: string }[]) {
      return Promise.all(writes.map((w) => this.append(w.streamId)));
    }
    written() {
      return this.#written;
    }
  }

  it('times appends on the store it wraps, which keeps its class, fields and other methods', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const inner = new FakeStore();
    const store = meterAppends(inner as unknown as EventStore, metrics) as unknown as FakeStore;
    await store.append('user-1');
    await store.appendMany([{ streamId: 'a' }, { streamId: 'b' }]);
    await expect(store.append('taken')).rejects.toThrow('taken');
    expect(store).toBeInstanceOf(FakeStore);
    expect(store.kind).toBe('pglite');
    expect(store.written()).toEqual(['user-1', 'a', 'b']);
    const text = await metrics.render();
    // appendMany counts once: its own appends run on the store itself, not through the wrapper.
    expect(text).toContain('cairn_event_append_duration_seconds_count{store="pglite",outcome="ok"} 2');
    expect(text).toContain('cairn_event_append_conflicts_total{kind="unique_violation"} 1');
  });
});
