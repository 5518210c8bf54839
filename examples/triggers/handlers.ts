/**
 * Example hooks, one function per Cognito trigger kind, written against the trigger SDK. They run
 * unchanged as an in-process module (`module:` target), behind a webhook (handleWebhook) or as a
 * Kafka consumer group (consumer.ts beside this file). docs/triggers.md explains each kind.
 */
import { type CognitoTriggerEvent, decryptCode, type TriggerHandlers } from '../../src/triggers/sdk/trigger-sdk.js';

type Strings = Record<string, string>;
const attributes = (event: CognitoTriggerEvent): Strings => (event.request.userAttributes ?? {}) as Strings;

/** Sign-ups from this domain are confirmed and their email verified at once; from the blocked one, refused. */
export const TRUSTED_DOMAIN = 'example.com';
export const BLOCKED_DOMAIN = 'blocked.example';

/** The old directory the user migration hook looks people up in (a real one would call the old system). */
export const LEGACY_USERS: ReadonlyMap<string, { password: string; email: string; status?: 'CONFIRMED' | 'RESET_REQUIRED' }> = new Map([
  ['legacy-ann', { password: 'Legacy-Passw0rd!', email: 'ann@legacy.example' }],
  ['legacy-bob', { password: 'Bob-Legacy-9!', email: 'bob@legacy.example', status: 'RESET_REQUIRED' as const }],
  ['legacy-cat', { password: 'Cat-Legacy-9!', email: 'cat@legacy.example' }],
]);

/** The custom challenge: a question, and how many wrong answers end the sign-in. */
export const CHALLENGE = { question: 'What is six times seven?', answer: '42', attempts: 3 };

/** What the hooks saw, newest last (these examples keep it in memory; a real hook would log or publish). */
export interface SeenHook {
  kind: string;
  triggerSource: string;
  userName: string;
  /** A custom sender's decrypted code (it would be mailed or texted). */
  code?: string;
  event: CognitoTriggerEvent;
}
const store = globalThis as { __cairnExampleHooks?: SeenHook[] };
export const seen: SeenHook[] = (store.__cairnExampleHooks ??= []);

/** The 32-byte key (base64) custom sender hooks decrypt codes with: the deployment's TRIGGER_KEYS entry for the pool's KMSKeyID. */
const senderKey = () => Buffer.from(process.env.CAIRN_SENDER_KEY ?? '', 'base64');

export const handlers = {
  /** Refuses a domain; confirms trusted sign-ups and verifies their email (and phone number, if given) (PreSignUp_SignUp, PreSignUp_AdminCreateUser). */
  preSignUp(event) {
    const email = attributes(event).email ?? '';
    if (email.endsWith(`@${BLOCKED_DOMAIN}`)) throw new Error(`Sign-ups from ${BLOCKED_DOMAIN} are not allowed`);
    if (event.triggerSource === 'PreSignUp_SignUp' && email.endsWith(`@${TRUSTED_DOMAIN}`)) {
      event.response = { autoConfirmUser: true, autoVerifyEmail: true, ...(attributes(event).phone_number ? { autoVerifyPhone: true } : {}) };
    }
    return event;
  },

  /** Welcomes confirmed users; a `fail-confirm` address shows that a failure here leaves the user confirmed. */
  postConfirmation(event) {
    seen.push({ kind: 'postConfirmation', triggerSource: event.triggerSource, userName: event.userName, event });
    if ((attributes(event).email ?? '').startsWith('fail-confirm')) throw new Error('The welcome mail could not be sent');
    return event;
  },

  /** Suspended accounts (here: names starting with `blocked-`) may not sign in. */
  preAuthentication(event) {
    if (event.userName.startsWith('blocked-')) throw new Error('This account is suspended');
    return event;
  },

  /** Audits sign-ins; refuses names starting with `deny-` to show that a failure here fails the sign-in. */
  postAuthentication(event) {
    seen.push({ kind: 'postAuthentication', triggerSource: event.triggerSource, userName: event.userName, event });
    if (event.userName.startsWith('deny-')) throw new Error('Sign-in audit failed');
    return event;
  },

  /**
   * Adds a `tier` claim (V1: the ID token; V2: both tokens and a scope), drops `nickname`, and tries
   * to change `cognito:username`, which Cognito (and this service) keep as they are.
   */
  preTokenGeneration(event) {
    const tier = attributes(event)['custom:tier'] ?? 'standard';
    if (event.version === '1') {
      event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { tier, 'cognito:username': 'someone-else' }, claimsToSuppress: ['nickname'] } };
    } else {
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tier }, claimsToSuppress: ['nickname'] },
          accessTokenGeneration: { claimsToAddOrOverride: { tier, username: 'someone-else' }, scopesToAdd: ['example/read'] },
        },
      };
    }
    return event;
  },

  /** The pool's words for codes; `bad-template` addresses get a message without the code, which is refused. */
  customMessage(event) {
    const code = String(event.request.codeParameter);
    if ((attributes(event).email ?? '').startsWith('bad-template')) {
      event.response = { emailSubject: 'Oops', emailMessage: 'A message without the code' };
      return event;
    }
    const invitation = event.triggerSource === 'CustomMessage_AdminCreateUser';
    event.response = {
      emailSubject: `Example: ${event.triggerSource.replace('CustomMessage_', '')}`,
      emailMessage: invitation ? `Welcome ${String(event.request.usernameParameter)}, your temporary password is ${code}` : `Hello, your code is ${code}`,
      smsMessage: `Example code: ${code}`,
    };
    return event;
  },

  /** Users of the old directory move over on their first sign-in (with their password) or password reset. */
  userMigration(event) {
    const legacy = LEGACY_USERS.get(event.userName);
    if (!legacy) throw new Error('User not found in the legacy directory');
    if (event.triggerSource === 'UserMigration_Authentication' && event.request.password !== legacy.password) throw new Error('Bad password');
    event.response = {
      userAttributes: { email: legacy.email, email_verified: 'true' },
      finalUserStatus: legacy.status ?? 'CONFIRMED',
      messageAction: 'SUPPRESS',
    };
    return event;
  },

  /** One custom challenge; tokens once it is answered right, a failure after CHALLENGE.attempts wrong answers. */
  defineAuthChallenge(event) {
    const session = (event.request.session ?? []) as Array<{ challengeName: string; challengeResult: boolean }>;
    if (session.some((s) => s.challengeName === 'CUSTOM_CHALLENGE' && s.challengeResult)) {
      event.response = { issueTokens: true, failAuthentication: false };
    } else if (session.length >= CHALLENGE.attempts) {
      event.response = { issueTokens: false, failAuthentication: true };
    } else {
      event.response = { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
    }
    return event;
  },

  createAuthChallenge(event) {
    event.response = {
      publicChallengeParameters: { question: CHALLENGE.question },
      privateChallengeParameters: { answer: CHALLENGE.answer },
      challengeMetadata: 'QUESTION',
    };
    return event;
  },

  verifyAuthChallengeResponse(event) {
    const expected = (event.request.privateChallengeParameters as Strings | undefined)?.answer;
    event.response = { answerCorrect: expected !== undefined && event.request.challengeAnswer === expected };
    return event;
  },

  /** Sends codes itself: the code arrives encrypted under the pool's key and is decrypted here. */
  customEmailSender(event) {
    const code = decryptCode(senderKey(), event.userPoolId, String(event.request.code));
    seen.push({ kind: 'customEmailSender', triggerSource: event.triggerSource, userName: event.userName, code, event });
    return event;
  },

  customSMSSender(event) {
    const code = decryptCode(senderKey(), event.userPoolId, String(event.request.code));
    seen.push({ kind: 'customSMSSender', triggerSource: event.triggerSource, userName: event.userName, code, event });
    return event;
  },
} satisfies TriggerHandlers;

// One named export per kind, so the file also works as an in-process module (`module:` target).
export const {
  preSignUp,
  postConfirmation,
  preAuthentication,
  postAuthentication,
  preTokenGeneration,
  customMessage,
  userMigration,
  defineAuthChallenge,
  createAuthChallenge,
  verifyAuthChallengeResponse,
  customEmailSender,
  customSMSSender,
} = handlers;
export default handlers;
