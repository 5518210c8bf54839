import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TransportError } from '../trigger-errors.js';
import { type CognitoTriggerEvent, type Transport, type TransportCall, withDeadline } from './transport.js';

type Handler = (event: CognitoTriggerEvent) => unknown;

/**
 * An in-process hook: a module exporting a Lambda-style `handler(event)`, or one function per kind
 * (`preSignUp`, `postConfirmation`, ... as the trigger SDK writes them), or such an object as its
 * default export. Its answer is the event with `response` filled in (or just the response).
 */
export class ModuleTransport implements Transport<{ type: 'module'; path: string }> {
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  constructor(private readonly baseDir: string = process.cwd()) {}

  async call(target: { type: 'module'; path: string }, call: TransportCall): Promise<CognitoTriggerEvent> {
    const handler = await this.handler(target.path, call.kind);
    const event = structuredClone(call.event);
    let answer: unknown;
    try {
      answer = await withDeadline(Promise.resolve(handler(event)), call.deadline, () => new TransportError('timeout', 'the hook did not answer in time'));
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw new TransportError('hook', error instanceof Error ? error.message : String(error));
    }
    return asEvent(answer ?? event, call.event);
  }

  private async handler(path: string, kind: string): Promise<Handler> {
    const file = isAbsolute(path) ? path : resolve(this.baseDir, path);
    let loading = this.modules.get(file);
    if (!loading) {
      loading = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
      this.modules.set(file, loading);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await loading;
    } catch (error) {
      this.modules.delete(file);
      throw new TransportError('unreachable', `the hook module could not be loaded: ${(error as Error).message}`);
    }
    const named = kind.charAt(0).toLowerCase() + kind.slice(1);
    const fromDefault = (mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>)[named] : undefined) ?? undefined;
    const candidate = mod[named] ?? fromDefault ?? mod.handler ?? (typeof mod.default === 'function' ? mod.default : undefined);
    if (typeof candidate !== 'function') throw new TransportError('unreachable', `the hook module exports no ${named} or handler function`);
    return candidate as Handler;
  }
}

/** A hook's answer as an event: a whole event, or a bare response object. */
export function asEvent(answer: unknown, sent: CognitoTriggerEvent): CognitoTriggerEvent {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer))
    throw new TransportError('malformed', 'the hook answered something that is not an object');
  const a = answer as Record<string, unknown>;
  if ('response' in a) {
    if (!a.response || typeof a.response !== 'object' || Array.isArray(a.response))
      throw new TransportError('malformed', 'the response member is not an object');
    return { ...sent, response: a.response as Record<string, unknown> };
  }
  return { ...sent, response: a };
}
