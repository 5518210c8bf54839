import { FREE_ATTEMPTS, lockDurationMs } from './lockout.js';

describe('progressive lockout', () => {
  test(`${FREE_ATTEMPTS - 1} wrong passwords do not lock`, () => {
    expect(lockDurationMs(FREE_ATTEMPTS - 1)).toBe(0);
  });
  test('from the fifth wrong password the lockout starts at 1 s and doubles, capped at 15 minutes', () => {
    expect(lockDurationMs(FREE_ATTEMPTS)).toBe(1000);
    expect(lockDurationMs(FREE_ATTEMPTS + 1)).toBe(2000);
    expect(lockDurationMs(FREE_ATTEMPTS + 9)).toBe(512_000);
    expect(lockDurationMs(FREE_ATTEMPTS + 40)).toBe(900_000);
  });
});
