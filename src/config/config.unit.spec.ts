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
      expect(text).toMatch(/MASTER_KEY/);
    }
  });
  test('lists are split', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
