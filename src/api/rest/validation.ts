import type { z } from 'zod';
import { InvalidParameterError } from '../../shared/domain-error.js';

export class RequestValidationError extends InvalidParameterError {
  constructor(readonly details: string[]) {
    super(`${details.length} validation error${details.length === 1 ? '' : 's'} detected: ${details.join('; ')}`);
  }
}

/** Parses untrusted input with a zod schema; every problem is named in one typed error. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new RequestValidationError(result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`));
}
