import { randomUUID } from 'node:crypto';
import { familyIdOf, sessionIdOf } from './session-ids.js';

describe('session ids', () => {
  test('a family id and its SessionId map both ways; the id is Cognito-shaped', () => {
    for (const familyId of [randomUUID(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']) {
      const sessionId = sessionIdOf(familyId)!;
      expect(sessionId).toMatch(/^tkn[0-9a-z]{25}$/);
      expect(sessionId).toHaveLength(28);
      expect(familyIdOf(sessionId)).toBe(familyId);
    }
  });
  test('SSO ids, foreign strings and values past 128 bits name no family', () => {
    expect(familyIdOf('sso0000000000000000000000001')).toBeUndefined();
    expect(familyIdOf('tkn123')).toBeUndefined();
    expect(familyIdOf(`tkn${'z'.repeat(25)}`)).toBeUndefined();
    expect(sessionIdOf('not-a-uuid')).toBeUndefined();
  });
});
