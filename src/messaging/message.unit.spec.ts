import { maskDestination } from './message.js';

describe('masked destinations', () => {
  test('an email shows the first character of each side, as Cognito does', () => {
    expect(maskDestination('EMAIL', 'test@test.com')).toBe('t***@t***');
    expect(maskDestination('EMAIL', 'alice@example.com')).toBe('a***@e***');
  });
  test('a phone number shows its last four digits, every other digit a star', () => {
    expect(maskDestination('SMS', '+14155550123')).toBe('+*******0123');
    expect(maskDestination('SMS', '+919876543210')).toBe('+********3210');
  });
});
