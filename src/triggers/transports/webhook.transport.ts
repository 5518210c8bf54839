import { createHmac } from 'node:crypto';
import { TransportError } from '../trigger-errors.js';
import { asEvent } from './module.transport.js';
import type { CognitoTriggerEvent, Transport, TransportCall } from './transport.js';

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (verify with verifyWebhookSignature). */
export const SIGNATURE_HEADER = 'x-cairn-signature';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * An HTTP hook: the event POSTed as JSON, signed with the function's secret (the timestamp is in
 * the signature, so a receiver can refuse replays outside its window). 2xx with the event (or its
 * response) answers; 4xx with `{ "errorMessage" }` (or `message`) is the hook's refusal; anything
 * else (5xx, a network error, no answer in time) may be retried.
 */
export class WebhookTransport implements Transport<{ type: 'webhook'; url: string; secret?: string }> {
  async call(target: { type: 'webhook'; url: string; secret?: string }, call: TransportCall): Promise<CognitoTriggerEvent> {
    const body = JSON.stringify(call.event);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-cairn-delivery': call.attemptId, 'x-cairn-trigger': call.kind };
    if (target.secret) headers[SIGNATURE_HEADER] = signWebhook(target.secret, Math.floor(Date.now() / 1000), body);
    let response: Response;
    try {
      response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(Math.max(1, call.deadline - Date.now())) });
    } catch (error) {
      const name = (error as Error).name;
      throw new TransportError(
        name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable',
        `the hook could not be reached: ${(error as Error).message}`,
      );
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.status >= 400 && response.status < 500) {
      const message = (json as { errorMessage?: unknown; message?: unknown } | undefined)?.errorMessage ?? (json as { message?: unknown } | undefined)?.message;
      throw new TransportError('hook', typeof message === 'string' ? message : `the hook answered ${response.status}`);
    }
    if (!response.ok) throw new TransportError('unreachable', `the hook answered ${response.status}`);
    return asEvent(json, call.event);
  }
}
