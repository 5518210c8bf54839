import { z } from 'zod';
import { parseInput } from '../../src/api/cognito/validation.js';

const schema = z.object({
  UserPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/),
  Password: z.string().min(8),
  MaxResults: z.number().int().min(1).max(60),
  Flows: z.array(z.enum(['code', 'implicit'])).optional(),
});
const message = (input: unknown) => {
  try {
    parseInput(schema, input);
  } catch (error) {
    return { name: (error as { code: string }).code, message: (error as Error).message };
  }
  return undefined;
};

describe('input validation in AWS wording', () => {
  test('given every problem at once, then one InvalidParameterException lists them all', () => {
    expect(message({ UserPoolId: 'bad id', Password: 'abc', Flows: ['code', 'magic'] })).toEqual({
      name: 'InvalidParameterException',
      message:
        "4 validation errors detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; " +
        "Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 8; " +
        "Value null at 'maxResults' failed to satisfy constraint: Member must not be null; " +
        "Value 'magic' at 'flows.1' failed to satisfy constraint: Member must satisfy enum value set: [code, implicit]",
    });
  });

  test('given a secret member, then its value never appears in the message', () => {
    expect(message({ UserPoolId: 'eu-west-1_abc', Password: 'hunter2', MaxResults: 1 })?.message).not.toContain('hunter2');
  });

  test('given valid input, then it is returned typed', () => {
    expect(parseInput(schema, { UserPoolId: 'eu-west-1_abc', Password: 'long-enough', MaxResults: 5, Extra: 1 })).toEqual({
      UserPoolId: 'eu-west-1_abc',
      Password: 'long-enough',
      MaxResults: 5,
    });
  });
});
