import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import type { MessageSender } from '../../messaging/message.js';
import { withMetadata } from '../../shared/command-handler.js';
import { NotAuthorizedError, PasswordResetRequiredError } from '../../shared/domain-error.js';
import { DELIVERY, LOG, type Log, SECRETS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { userStream } from '../../user-pools/user.events.js';
import { Users } from '../../user-pools/users.js';
import { RiskConfigurations } from '../../user-pools/risk/risk.use-cases.js';
import type { NotifyEmail, RiskConfiguration } from '../../user-pools/risk/risk.events.js';
import { threatProtectionMode } from '../../user-pools/risk/threat-protection.js';
import { type AuthFlowName, type AuthLogEvent, authLogStream, type SignInRisk as SignInRiskRecord } from '../auth-log.events.js';
import { poolFactors } from '../mfa/pool-mfa-config.js';
import { decideSecondFactor } from '../mfa/second-factor.js';
import { type AuthFact, assessRisk, type RiskAssessment } from './assess.js';
import { COMPROMISED_PASSWORDS, type CompromisedPasswords } from '../../user-pools/risk/compromised-passwords.js';
import { type AuthEventFeedbackRecorded, authFeedbackStream } from './feedback.events.js';
import { IP_LOCATIONS, type IpLocations } from './ip-locations.js';

/** How many of the user's latest auth-log entries the assessment looks at. */
export const RISK_HISTORY = 100;

/** What a sign-in that goes on carries to its end (sealed in its Session between steps). */
export interface RiskProgress {
  record: SignInRiskRecord;
  /** Threat protection asks for a second factor (the user has one: MFA_REQUIRED without one was blocked). */
  mfa?: 'IF_CONFIGURED' | 'REQUIRED';
  /** Notify the user once the sign-in's log entry is written (its template by the action). */
  notify?: 'BLOCK' | 'MFA' | 'NO_ACTION';
}

export interface RiskCheck {
  pool: ActivePool;
  clientId: string;
  user: ExistingUserState;
  flow: AuthFlowName;
  context: RequestContext;
  now: Date;
  /** The password typed (password flows only; SRP sends none, so it cannot be checked). */
  password?: string;
}

const BLOCKED_MESSAGE = 'Unable to login because of security reasons.';

/**
 * Threat protection on the sign-in path, called once the credentials passed and before the
 * second factor: gathers the facts (the user's auth log and feedback, the pool's or client's risk
 * configuration, the breach corpus, the addresses' places), asks the pure assessment
 * (assess.ts) and carries out its action. Pools whose UserPoolAddOns are off are not looked at.
 */
@Injectable()
export class SignInRisk {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(DELIVERY) private readonly delivery: MessageSender,
    @Inject(LOG) private readonly log: Log,
    @Inject(COMPROMISED_PASSWORDS) private readonly corpus: CompromisedPasswords,
    @Inject(IP_LOCATIONS) private readonly locations: IpLocations,
    private readonly configurations: RiskConfigurations,
    private readonly users: Users,
  ) {}

  /**
   * The assessment of a sign-in whose credentials passed: undefined when threat protection is
   * off; a blocked sign-in is logged (with its risk), notified, and answered with its error.
   */
  async check(c: RiskCheck): Promise<RiskProgress | undefined> {
    const mode = threatProtectionMode(c.pool.settings, c.flow);
    if (mode === 'OFF') return undefined;
    const poolId = c.pool.poolId;
    const [configuration, [log, feedback]] = await Promise.all([
      this.configurations.forClient(poolId, c.clientId),
      this.store.readStreams([{ streamId: authLogStream(poolId, c.user.sub), last: RISK_HISTORY }, { streamId: authFeedbackStream(poolId, c.user.sub) }]),
    ]);
    const filter = configuration?.compromisedCredentials?.eventFilter ?? ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'];
    const compromised = c.password !== undefined && filter.includes('SIGN_IN') ? await this.corpus.isCompromised(c.password) : undefined;
    const assessment = assessRisk({
      mode,
      configuration,
      history: this.facts(log as RecordedEvent<AuthLogEvent>[], feedback as RecordedEvent<AuthEventFeedbackRecorded>[]),
      attempt: {
        address: c.context.clientIp,
        device: c.context.userAgent,
        location: this.locations.locate(c.context.clientIp),
        now: c.now.toISOString(),
        ...(compromised !== undefined ? { compromised } : {}),
        userHasMfa: this.userHasMfa(c.pool, c.user),
      },
    });
    const record: SignInRiskRecord = {
      decision: assessment.decision,
      ...(assessment.level ? { level: assessment.level } : {}),
      compromised: assessment.compromised,
    };
    if (assessment.action === 'BLOCK' || assessment.action === 'BLOCK_COMPROMISED') await this.block(c, assessment, record, configuration);
    const notify = assessment.notify ? (assessment.action === 'ALLOW' ? 'NO_ACTION' : 'MFA') : undefined;
    return {
      record,
      ...(assessment.action === 'MFA_IF_CONFIGURED'
        ? { mfa: 'IF_CONFIGURED' as const }
        : assessment.action === 'MFA_REQUIRED'
          ? { mfa: 'REQUIRED' as const }
          : {}),
      ...(notify ? { notify } : {}),
    };
  }

  /** The notification of a sign-in that went on (after its log entry with `eventId` was written). */
  async notifyAfter(c: Omit<RiskCheck, 'password' | 'flow'>, progress: RiskProgress, eventId: string): Promise<void> {
    if (!progress.notify) return;
    const configuration = await this.configurations.forClient(c.pool.poolId, c.clientId);
    await this.notify(c, progress.notify, configuration, eventId);
  }

  private async block(c: RiskCheck, assessment: RiskAssessment, risk: SignInRiskRecord, configuration: RiskConfiguration | undefined): Promise<never> {
    const poolId = c.pool.poolId;
    const compromised = assessment.action === 'BLOCK_COMPROMISED';
    const logged: AuthLogEvent = {
      type: 'SignInFailed',
      data: {
        poolId,
        sub: c.user.sub,
        clientId: c.clientId,
        flow: c.flow,
        reason: compromised ? 'COMPROMISED_CREDENTIALS' : 'RISK_BLOCKED',
        risk,
        at: c.now.toISOString(),
      },
    };
    const entry = {
      streamId: authLogStream(poolId, c.user.sub),
      events: withMetadata([logged], c.context, c.now),
      options: { expectedRevision: 'any' as const },
    };
    if (compromised) {
      // Cognito: the user must choose another password before signing in again (RESET_REQUIRED).
      await this.users.run({
        pool: c.pool,
        streamId: userStream(poolId, c.user.sub),
        context: c.context,
        now: c.now,
        command: () => ({ type: 'RequirePasswordReset', now: c.now.toISOString() }),
        alongside: () => [entry],
      });
      throw new PasswordResetRequiredError('Password reset required for the user');
    }
    await this.store.append(entry.streamId, entry.events, entry.options);
    if (assessment.notify) await this.notify(c, 'BLOCK', configuration, entry.events[0].metadata.eventId);
    throw new NotAuthorizedError(BLOCKED_MESSAGE);
  }

  /** The user's earlier entries as the assessment sees them, with the latest feedback on each. */
  private facts(log: RecordedEvent<AuthLogEvent>[], feedback: RecordedEvent<AuthEventFeedbackRecorded>[]): AuthFact[] {
    const latest = new Map(feedback.map((f) => [f.data.eventId, f.data.value]));
    return log.map((e) => {
      const value = latest.get(e.metadata.eventId);
      const location = this.locations.locate(e.metadata.clientIp);
      return {
        at: e.metadata.occurredAt,
        outcome: e.type === 'SignInSucceeded' ? 'pass' : 'fail',
        ...(e.metadata.clientIp ? { address: e.metadata.clientIp } : {}),
        ...(e.metadata.userAgent ? { device: e.metadata.userAgent } : {}),
        ...(location ? { location } : {}),
        ...(value ? { feedback: value } : {}),
      };
    });
  }

  private userHasMfa(pool: ActivePool, user: ExistingUserState): boolean {
    const second = decideSecondFactor({
      mfaConfiguration: 'ON',
      factors: poolFactors(pool),
      preferences: user.mfa?.preferences ?? {},
      hasTotp: user.mfa?.totp !== undefined,
      hasPhone: Boolean(user.attributes.phone_number),
      hasEmail: Boolean(user.attributes.email),
    });
    return second.kind !== 'setup';
  }

  private async notify(
    c: Omit<RiskCheck, 'password' | 'flow'>,
    kind: 'BLOCK' | 'MFA' | 'NO_ACTION',
    configuration: RiskConfiguration | undefined,
    eventId: string,
  ) {
    const to = c.user.attributes.email;
    const notifyConfiguration = configuration?.accountTakeover?.notify;
    if (!to || !notifyConfiguration) return;
    const template =
      (kind === 'BLOCK' ? notifyConfiguration.blockEmail : kind === 'MFA' ? notifyConfiguration.mfaEmail : notifyConfiguration.noActionEmail) ??
      DEFAULT_EMAILS[kind];
    const token = feedbackToken(this.secrets, c.pool.poolId, c.user.sub, eventId);
    const values: Record<string, string> = {
      username: c.user.username,
      'ip-address': c.context.clientIp ?? '',
      'device-name': c.context.userAgent ?? '',
      'login-time': c.now.toISOString(),
      city: '',
      country: '',
      // No one-click page is served: the links carry the feedback token for UpdateAuthEventFeedback.
      'one-click-link-valid': token,
      'one-click-link-invalid': token,
    };
    const fill = (text: string) => text.replace(/\{([a-z-]+)\}/g, (whole, name: string) => values[name] ?? whole);
    await this.delivery
      .send({
        poolId: c.pool.poolId,
        username: c.user.username,
        medium: 'EMAIL',
        to,
        subject: fill(template.subject),
        body: fill(template.textBody ?? template.htmlBody ?? ''),
        purpose: 'RISK_NOTIFICATION',
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'threat protection: a notification could not be sent'));
  }
}

const DEFAULT_EMAILS: Record<'BLOCK' | 'MFA' | 'NO_ACTION', NotifyEmail> = {
  BLOCK: {
    subject: 'Blocked sign-in attempt',
    textBody:
      'We blocked an unrecognized sign-in to your account {username} at {login-time} from {ip-address} ({device-name}). If this was not you, no action is needed.',
  },
  MFA: {
    subject: 'New sign-in attempt',
    textBody: 'We asked for an extra check on a sign-in to your account {username} at {login-time} from {ip-address} ({device-name}).',
  },
  NO_ACTION: {
    subject: 'New sign-in',
    textBody: 'We noticed a new sign-in to your account {username} at {login-time} from {ip-address} ({device-name}).',
  },
};

/** The token a notification carries for the user's feedback on one entry: keyed, bound to the pool, user and entry. */
export function feedbackToken(secrets: Secrets, poolId: string, sub: string, eventId: string): string {
  return secrets.hashCode(`${poolId}/${sub}`, 'auth-event-feedback', eventId);
}
