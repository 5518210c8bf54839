import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { withSpan } from './tracing.js';

/**
 * A span around every use case: the buses are the one way in, so wrapping their `execute` covers
 * every operation of every surface (named by its command or query class).
 */
export function traceUseCases(commands: CommandBus, queries: QueryBus): void {
  for (const [bus, kind] of [
    [commands, 'command'],
    [queries, 'query'],
  ] as const) {
    const execute = bus.execute.bind(bus) as (message: object) => Promise<unknown>;
    (bus as { execute: (message: object) => Promise<unknown> }).execute = (message: object) =>
      withSpan(`use-case ${message.constructor.name}`, { 'cairn.use_case': message.constructor.name, 'cairn.use_case.kind': kind }, () => execute(message));
  }
}
