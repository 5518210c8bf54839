import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import { assertMutable, signUpIdentity, validateAttributes } from './attributes.js';
import { declareSchema, effectiveSchema } from './schema.js';

const SUB = '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a';
const schema = effectiveSchema(
  declareSchema([
    { name: 'given_name', required: true },
    { name: 'tier', dataType: 'String', maxLength: 5 },
    { name: 'age', dataType: 'Number', minValue: 0, maxValue: 150 },
    { name: 'vip', dataType: 'Boolean' },
    { name: 'joined', dataType: 'DateTime', mutable: false },
  ]),
);
const check = (attributes: Record<string, string>) => () => validateAttributes({ given_name: 'Ann', ...attributes }, schema);

describe('user attributes against the pool schema', () => {
  test('values of every type within their bounds pass, custom ones as strings', () => {
    const attributes = { given_name: 'Ann', 'custom:tier': 'gold', 'custom:age': '42', 'custom:vip': 'true', 'custom:joined': '2026-01-01T00:00:00Z' };
    expect(validateAttributes(attributes, schema)).toEqual(attributes);
  });
  test('booleans are read in any case and stored as "true" / "false"', () => {
    expect(validateAttributes({ given_name: 'Ann', 'custom:vip': 'True' }, schema)).toEqual({ given_name: 'Ann', 'custom:vip': 'true' });
    expect(validateAttributes({ email_verified: 'FALSE' }, schema, { allowVerifiedFlags: true, checkRequired: false })).toEqual({ email_verified: 'false' });
  });
  test('developer-only attributes are written by admins only', () => {
    const withDev = effectiveSchema(declareSchema([{ name: 'tier', dataType: 'String', developerOnly: true }]));
    expect(() => validateAttributes({ 'dev:custom:tier': 'gold' }, withDev)).toThrow(NotAuthorizedError);
    expect(validateAttributes({ 'dev:custom:tier': 'gold' }, withDev, { allowDeveloperOnly: true })).toEqual({ 'dev:custom:tier': 'gold' });
  });
  test.each([
    ['a missing required attribute', { given_name: '' }, 'Attributes did not conform to the schema: given_name: The attribute is required'],
    ['a too-long string', { 'custom:tier': 'platinum' }, 'Attributes did not conform to the schema: custom:tier: String must be no longer than 5 characters'],
    ['a number out of range', { 'custom:age': '151' }, 'custom:age: Number must be no greater than 150'],
    ['a non-integer number', { 'custom:age': '4.5' }, 'custom:age: Number must be an integer'],
    ['a boolean that is not true/false', { 'custom:vip': 'yes' }, 'custom:vip: Value must be true or false'],
    ['an unknown custom attribute', { 'custom:nope': 'x' }, 'Type for attribute {custom:nope} could not be determined'],
    ['a platform attribute', { sub: SUB }, 'Type for attribute {sub} could not be determined'],
    ['a verified flag from a user', { email_verified: 'true' }, 'Type for attribute {email_verified} could not be determined'],
    ['a malformed email', { email: 'not-an-email' }, 'Invalid email address format.'],
  ])('%s is InvalidParameterException', (_what, attributes, message) => {
    expect(check(attributes)).toThrow(InvalidParameterError);
    expect(check(attributes)).toThrow(message);
  });
  test('admins may set verified flags; updates skip the required check', () => {
    expect(() => validateAttributes({ email_verified: 'true' }, schema, { allowVerifiedFlags: true, checkRequired: false })).not.toThrow();
  });
  test('without a schema, any well-formed custom attribute is a string (the first release rule)', () => {
    expect(() => validateAttributes({ 'custom:anything': 'x' })).not.toThrow();
  });
  test('immutable attributes cannot change', () => {
    expect(() => assertMutable(schema, ['custom:tier'])).not.toThrow();
    expect(() => assertMutable(schema, ['custom:joined'])).toThrow('Cannot modify the non-mutable attribute custom:joined');
  });
});

describe('who a sign-up creates', () => {
  const plain = { usernameAttributes: [], aliasAttributes: [], usernameCaseSensitive: false };
  test('a plain pool keeps the username', () => {
    expect(signUpIdentity(plain, 'alice', { email: 'a@x.test' }, SUB)).toEqual({ username: 'alice', attributes: { email: 'a@x.test' } });
  });
  test('an email-as-username pool stores the sub and sets the email from the username', () => {
    const pool = { ...plain, usernameAttributes: ['email' as const] };
    expect(signUpIdentity(pool, 'Ann@X.test', {}, SUB)).toEqual({ username: SUB, attributes: { email: 'Ann@X.test' } });
    expect(signUpIdentity(pool, 'Ann@X.test', { email: 'ann@x.test' }, SUB).attributes.email).toBe('ann@x.test');
    expect(() => signUpIdentity(pool, 'ann', {}, SUB)).toThrow('Username should be an email.');
    expect(() => signUpIdentity(pool, 'ann@x.test', { email: 'bob@x.test' }, SUB)).toThrow('The email attribute must match the username.');
  });
  test('with email and phone as usernames, either one works', () => {
    const pool = { ...plain, usernameAttributes: ['email' as const, 'phone_number' as const] };
    expect(signUpIdentity(pool, '+15555550100', {}, SUB).attributes).toEqual({ phone_number: '+15555550100' });
    expect(() => signUpIdentity(pool, 'ann', {}, SUB)).toThrow('Username should be either an email or a phone number.');
  });
  test('an alias pool refuses usernames shaped like its aliases, and preferred_username before confirmation', () => {
    const pool = { ...plain, aliasAttributes: ['email' as const, 'phone_number' as const, 'preferred_username' as const] };
    expect(() => signUpIdentity(pool, 'a@x.test', {}, SUB)).toThrow('Username cannot be of email format, since user pool is configured for email alias.');
    expect(() => signUpIdentity(pool, '+15555550100', {}, SUB)).toThrow(/phone number format/);
    expect(() => signUpIdentity(pool, 'ann', { preferred_username: 'annie' }, SUB)).toThrow(/can only be set once the user is confirmed/);
  });
});
