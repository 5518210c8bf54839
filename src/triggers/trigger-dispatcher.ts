import { randomUUID } from 'node:crypto';
import type { EventStore } from '../event-store/event-store.port.js';
import { withMetadata } from '../shared/command-handler.js';
import type { Log } from '../shared/ports.js';
import { systemContext } from '../shared/request-context.js';
import { functionName, keyFor, type TriggerFunctions, type TriggerKeys, type TriggerTarget } from '../config/trigger-functions.js';
import { encryptCode } from './sender-code.js';
import { InvalidLambdaResponseError, TransportError, UnexpectedLambdaError, UserLambdaValidationError } from './trigger-errors.js';
import { type TriggerAttempted, triggerLogStream } from './trigger-log.events.js';
import { type LambdaConfig, type TriggerCall, type TriggerKind, type Triggers, hookArn, hookVersion } from './trigger.port.js';
import { validResponse } from './trigger-responses.js';
import type { CognitoTriggerEvent, Transport } from './transports/transport.js';

/** Cognito waits this long for a synchronous hook. */
export const DEADLINE_MS = 5000;
export const MAX_ATTEMPTS = 3;

export interface DispatcherOptions {
  functions: TriggerFunctions;
  transports: { module: Transport; webhook: Transport; kafka?: Transport };
  /** Records each attempt as an event (omit in unit tests). */
  store?: EventStore;
  log?: Log;
  /** Latency per hook kind and outcome (src/observability). */
  observe?: (kind: string, outcome: 'ok' | 'error' | 'timeout', seconds: number) => void;
  /** How long a synchronous hook is waited for, all attempts together (Cognito: 5 s). */
  deadlineMs?: number;
  /** The keys custom sender hooks decrypt codes with, by KMSKeyID (TRIGGER_KEYS). */
  keys?: TriggerKeys;
}

const SENDERS: ReadonlySet<TriggerKind> = new Set(['CustomEmailSender', 'CustomSMSSender']);

/**
 * Runs the hooks pools configure: the LambdaConfig ARN names a function, the deployment's
 * TRIGGER_FUNCTIONS says where it runs; the call waits at most 5 s over up to 3 attempts
 * (a transport that cannot reach the hook is tried again while time remains; a hook's own refusal
 * or an invalid answer is final). Each attempt is an event on the pool's trigger log.
 */
export class TriggerDispatcher implements Triggers {
  constructor(private readonly options: DispatcherOptions) {}

  configured(lambdaConfig: LambdaConfig | undefined, kind: TriggerKind): boolean {
    return hookArn(lambdaConfig, kind) !== undefined;
  }

  async invoke(call: TriggerCall): Promise<Record<string, unknown> | undefined> {
    const arn = hookArn(call.lambdaConfig, call.kind);
    if (!arn) return undefined;
    const name = functionName(arn);
    const target = this.options.functions.get(name);
    if (!target) throw new UnexpectedLambdaError(`${call.kind} invocation failed due to error: no function named ${name} is configured (TRIGGER_FUNCTIONS).`);
    const transport = this.transport(target);
    const request = SENDERS.has(call.kind) ? this.sealCode(call) : call.request;
    const event: CognitoTriggerEvent = {
      version: call.version ?? hookVersion(call.lambdaConfig, call.kind),
      triggerSource: call.triggerSource,
      region: call.region,
      userPoolId: call.poolId,
      userName: call.userName,
      callerContext: { awsSdkVersion: 'cairn', clientId: call.clientId ?? null },
      request,
      response: {},
    };
    const deadline = Date.now() + (this.options.deadlineMs ?? DEADLINE_MS);
    let last: TransportError | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && Date.now() < deadline; attempt++) {
      const started = Date.now();
      try {
        const answered = await transport.call(target, { kind: call.kind, event, deadline, attemptId: randomUUID() });
        const response = validResponse(call.kind, answered.response);
        if (!response) {
          await this.record(call, name, target, attempt, 'malformed', started, 'Unrecognizable lambda output');
          throw new InvalidLambdaResponseError('Unrecognizable lambda output');
        }
        await this.record(call, name, target, attempt, 'succeeded', started);
        return response;
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        last = error;
        if (error.kind === 'hook') {
          const message = `${call.kind} failed with error ${error.message}.`;
          await this.record(call, name, target, attempt, 'refused', started, message);
          throw new UserLambdaValidationError(message);
        }
        if (error.kind === 'malformed') {
          await this.record(call, name, target, attempt, 'malformed', started, 'Unrecognizable lambda output');
          throw new InvalidLambdaResponseError('Unrecognizable lambda output');
        }
        await this.record(call, name, target, attempt, error.kind === 'timeout' ? 'timed_out' : 'unreachable', started, error.message);
      }
    }
    throw new UnexpectedLambdaError(
      `${call.kind} invocation failed due to error ${last?.kind === 'timeout' ? 'Socket timeout while invoking Lambda function' : (last?.message ?? 'the hook could not be reached')}.`,
    );
  }

  /** A custom sender's request with its code encrypted under the pool's KMSKeyID (the plaintext never leaves the process). */
  private sealCode(call: TriggerCall): Record<string, unknown> {
    const kmsKeyId = call.lambdaConfig?.KMSKeyID;
    const key = keyFor(this.options.keys ?? new Map(), kmsKeyId);
    if (!key) {
      throw new UnexpectedLambdaError(
        kmsKeyId
          ? `${call.kind} invocation failed due to error: no key is configured for KMSKeyID ${kmsKeyId} (TRIGGER_KEYS).`
          : `${call.kind} invocation failed due to error: the user pool has no KMSKeyID.`,
      );
    }
    const code = call.request.code;
    return { ...call.request, code: typeof code === 'string' ? encryptCode(key, call.poolId, code) : null };
  }

  async close(): Promise<void> {
    await this.options.transports.kafka?.close?.();
  }

  private transport(target: TriggerTarget): Transport {
    if (target.type === 'kafka') {
      if (!this.options.transports.kafka) throw new UnexpectedLambdaError('a Kafka hook is configured but KAFKA_BROKERS is not');
      return this.options.transports.kafka;
    }
    return target.type === 'module' ? this.options.transports.module : this.options.transports.webhook;
  }

  private async record(
    call: TriggerCall,
    name: string,
    target: TriggerTarget,
    attempt: number,
    outcome: TriggerAttempted['data']['outcome'],
    started: number,
    error?: string,
  ) {
    const store = this.options.store;
    const now = new Date();
    this.options.observe?.(call.kind, outcome === 'succeeded' ? 'ok' : outcome === 'timed_out' ? 'timeout' : 'error', (now.getTime() - started) / 1000);
    if (!store) return;
    const event: TriggerAttempted = {
      type: 'TriggerAttempted',
      data: {
        kind: call.kind,
        triggerSource: call.triggerSource,
        functionName: name,
        transport: target.type,
        attempt,
        outcome,
        ms: now.getTime() - started,
        ...(error ? { error } : {}),
        at: now.toISOString(),
      },
    };
    await store
      .append(triggerLogStream(call.poolId), withMetadata([event], call.context ?? systemContext(randomUUID()), now), { expectedRevision: 'any' })
      .catch((e: unknown) => this.options.log?.warn({ err: e }, 'trigger attempt not recorded'));
  }
}
