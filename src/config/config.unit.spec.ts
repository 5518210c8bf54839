import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  test('defaults give the embedded service on loopback', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', DATA_DIR: './data', PRODUCTION: false, PROJECTIONS: 'in-process' });
    expect(c.PUBLIC_BASE_URL).toBe('http://localhost:8080');
  });
  test('bad values are refused with every problem named', () => {
    expect(() => loadConfig({ PORT: 'eighty', ARGON2_MEMORY_KIB: '1024', PRODUCTION: 'true' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', ARGON2_MEMORY_KIB: '1024', PRODUCTION: 'true' });
    } catch (e) {
      const text = (e as ConfigError).issues.join('\n');
      expect(text).toMatch(/PORT/);
      expect(text).toMatch(/ARGON2_MEMORY_KIB/);
    }
  });
  test('cross-field rules: production needs a master key; EventStoreDB needs PostgreSQL for read models', () => {
    expect(() => loadConfig({ PRODUCTION: 'true' })).toThrow(/MASTER_KEY/);
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://localhost:2113' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ADMIN_ACCESS_KEY_ID: 'AKIA0000000000000000' })).toThrow(/ADMIN_ACCESS_KEY_ID/);
  });
  test('log delivery webhooks are a JSON object of log group names to URLs', () => {
    expect(loadConfig({ LOG_DELIVERY_WEBHOOKS: '{"auth-logs":"http://127.0.0.1:9000/in"}' }).LOG_DELIVERY_WEBHOOKS).toEqual({
      'auth-logs': 'http://127.0.0.1:9000/in',
    });
    expect(loadConfig({}).LOG_DELIVERY_WEBHOOKS).toBeUndefined();
    for (const bad of ['not json', '["http://x"]', '{"auth-logs":"not a url"}', '{"auth-logs":3}']) {
      expect(() => loadConfig({ LOG_DELIVERY_WEBHOOKS: bad })).toThrow(/LOG_DELIVERY_WEBHOOKS/);
    }
  });
  test('lists are split', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
