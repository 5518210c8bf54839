import type { z } from 'zod';
import { InvalidParameterError } from '../../shared/domain-error.js';

/** Members whose values AWS leaves out of validation messages. */
const SENSITIVE = /password|secret|token|session|code|answer/i;

/**
 * Parses an action's input; every problem is reported in AWS's own wording, e.g.
 * "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint:
 * Member must not be null", so messages match what SDK users know from Cognito.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => describe(issue, input));
  throw new InvalidParameterError(`${details.length} validation error${details.length === 1 ? '' : 's'} detected: ${details.join('; ')}`);
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map((p) => (typeof p === 'string' ? p.charAt(0).toLowerCase() + p.slice(1) : String(p)));
  const member = path.join('.') || 'body';
  const value = valueAt(input, issue.path);
  const shown = SENSITIVE.test(path[path.length - 1] ?? '') ? 'Value' : `Value ${format(value)}`;
  return `${shown} at '${member}' failed to satisfy constraint: ${constraint(issue, value)}`;
}

function constraint(issue: z.core.$ZodIssue, value: unknown): string {
  const size = (origin: string) => (origin === 'string' || origin === 'array' || origin === 'set' ? 'length' : 'value');
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined || value === null ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    case 'too_small':
      return `Member must have ${size(issue.origin)} greater than or equal to ${issue.inclusive === false ? Number(issue.minimum) + 1 : issue.minimum}`;
    case 'too_big':
      return `Member must have ${size(issue.origin)} less than or equal to ${issue.inclusive === false ? Number(issue.maximum) - 1 : issue.maximum}`;
    case 'invalid_format':
      return issue.pattern ? `Member must satisfy regular expression pattern: ${patternText(issue.pattern)}` : issue.message;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.join(', ')}]`;
    default:
      return issue.message;
  }
}

/** zod reports `/^…$/flags`; AWS shows the bare pattern. */
function patternText(pattern: string): string {
  const source = /^\/(.*)\/[a-z]*$/s.exec(pattern)?.[1] ?? pattern;
  return source.replace(/^\^|\$$/g, '');
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function format(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Long values are cut: the message names the member, it need not echo the input.
  return `'${text.length > 256 ? `${text.slice(0, 256)}...` : text}'`;
}
