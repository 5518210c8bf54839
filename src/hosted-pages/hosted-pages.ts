import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import { HostedChallengeCommand, type HostedSignInAnswer, HostedSignInCommand } from '../auth/oauth/hosted-sign-in.use-cases.js';
import type { Secrets } from '../crypto/secrets.js';
import { DomainError } from '../shared/domain-error.js';
import { LOG, type Log, SECRETS } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { DescribeUserPoolClientQuery } from '../user-pools/clients/client.queries.js';
import { secretHash } from '../user-pools/clients/client-ids.js';
import { ConfirmForgotPasswordCommand } from '../user-pools/commands/passwords.js';
import { ConfirmSignUpCommand } from '../user-pools/commands/confirm-sign-up.js';
import { ForgotPasswordCommand, ResendConfirmationCodeCommand } from '../user-pools/commands/send-codes.js';
import { SignUpCommand } from '../user-pools/commands/sign-up.js';
import { GetUserPoolQuery } from '../user-pools/queries/get-user-pool.js';
import type { DomainView } from '../user-pools/oauth/domain.use-cases.js';
import { CSRF_COOKIE, Csrf, readCookies } from './csrf.js';
import { type Html, html } from './html.js';
import { DEFAULT_THEME, type Field, form, PAGE_HEADERS, page, type Theme } from './layout.js';
import { type MessageKey, type Messages, pickLanguage } from './messages.js';
import { loadTheme } from './theme.js';

/** What a page request is about: the pool's domain and its OAuth provider. */
export interface HostedSite {
  domain: DomainView;
  basePath: string;
  provider: Provider;
  /** The login session's record of the sign-in behind it (see oauth/accounts.ts). */
  signInAmr: (familyId: string) => string;
}

export type PageName = 'login' | 'signup' | 'confirmUser' | 'forgotPassword' | 'confirmForgotPassword';

interface PageContext {
  site: HostedSite;
  request: FastifyRequest;
  reply: FastifyReply;
  context: RequestContext;
  lang: string;
  t: Messages;
  /** The authorization request this page serves (its interaction), and its client. */
  uid: string;
  clientId: string;
  theme: Theme;
  csrf: string;
  form: Record<string, string>;
}

/** The answer a typed error gets on a page (Cognito's hosted UI words), or a redirect. */
function errorKey(error: unknown): { key: MessageKey; detail?: string } | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  switch (code) {
    case 'NotAuthorizedException':
      // ConfirmSignUp of a user confirmed already (a confirmation link opened twice): say so.
      if (message.startsWith('User cannot be confirmed.')) return { key: 'error.input', detail: message };
      return { key: message === 'User is disabled.' ? 'error.disabled' : 'error.credentials' };
    case 'UserNotFoundException':
      return { key: 'error.noUser' };
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return { key: 'error.userExists' };
    case 'InvalidPasswordException':
      return { key: 'error.password', detail: message.replace(/^Password does not conform to policy: /, '') };
    case 'CodeMismatchException':
      return { key: 'error.code' };
    case 'ExpiredCodeException':
      return { key: 'error.expiredCode' };
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
    case 'TooManyRequestsException':
      return { key: 'error.limit' };
    case 'InvalidParameterException':
      return { key: 'error.input', detail: message };
    default:
      return undefined;
  }
}

/**
 * The hosted pages (Cognito's /login, /signup, /confirmUser, /forgotPassword,
 * /confirmForgotPassword): server-rendered forms that run the same use cases as the API through
 * the buses (sign-up, confirmation, sign-in with its challenges, password recovery), for the
 * authorization request (the library's interaction) they were opened for. Only /login ends an
 * interaction (the library binds it to a cookie on that path); the other pages lead back to it.
 */
@Injectable()
export class HostedPages {
  private readonly csrf: Csrf;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(SECRETS) secrets: Secrets,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.csrf = new Csrf(secrets);
  }

  async handle(name: PageName, site: HostedSite, request: FastifyRequest, reply: FastifyReply, context: RequestContext): Promise<void> {
    const { lang, t } = pickLanguage(request.headers['accept-language']);
    const query = request.query as Record<string, string | undefined>;
    // The confirmation link of a CONFIRM_WITH_LINK pool's sign-up email confirms at once.
    if (name === 'confirmUser' && request.method === 'GET' && !query.i && query.client_id && query.user_name && query.confirmation_code) {
      return this.confirmByLink(site, { clientId: query.client_id, username: query.user_name, code: query.confirmation_code }, reply, lang, t, context);
    }
    // Cognito's pages take an authorization request's own parameters: start it at the authorization endpoint.
    if (!query.i && query.client_id) {
      const search = new URLSearchParams(query as Record<string, string>).toString();
      return void reply.redirect(`${site.basePath}/oauth2/authorize?${search}`, 302);
    }
    const posted = request.method === 'POST' ? Object.fromEntries(new URLSearchParams(typeof request.body === 'string' ? request.body : '')) : {};
    const uid = posted.i ?? query.i ?? '';
    const interaction = uid ? await site.provider.Interaction.find(uid) : undefined;
    const clientId = interaction?.params.client_id as string | undefined;
    if (!interaction || !clientId) return this.fail(reply, lang, t, 'error.session', 400);
    const cookies = readCookies(request.headers.cookie);
    let csrfCookie = cookies[CSRF_COOKIE];
    if (!csrfCookie) {
      csrfCookie = this.csrf.newCookieValue();
      void reply.header(
        'set-cookie',
        `${CSRF_COOKIE}=${csrfCookie}; Path=${site.basePath}; HttpOnly; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`,
      );
    }
    // A federation-only client (no COGNITO among its providers): no password sign-in, sign-up or recovery.
    const client = await this.queries.execute(new DescribeUserPoolClientQuery({ poolId: site.domain.poolId, clientId }, context)).catch(() => undefined);
    if (!client) return this.fail(reply, lang, t, 'error.session', 400);
    if (!client.supportedIdentityProviders.includes('COGNITO')) {
      const external = client.supportedIdentityProviders;
      if (name === 'login' && request.method === 'GET' && interaction.params.identity_provider !== 'COGNITO') {
        const federate = (provider: string) => `${site.basePath}/oauth2/federate?${new URLSearchParams({ i: uid, identity_provider: provider }).toString()}`;
        // One external IdP: Cognito sends the browser straight to it.
        if (external.length === 1) return void reply.header('cache-control', 'no-store').redirect(federate(external[0]), 302);
        return this.chooser(
          reply,
          lang,
          t,
          await loadTheme(this.queries, site.domain.poolId, clientId, context),
          external.map((n) => ({ name: n, href: federate(n) })),
        );
      }
      return this.fail(reply, lang, t, 'error.loginOption', 400);
    }
    const theme = await loadTheme(this.queries, site.domain.poolId, clientId, context);
    const p: PageContext = { site, request, reply, context, lang, t, uid, clientId, theme, csrf: this.csrf.tokenFor(csrfCookie), form: posted };
    if (request.method === 'POST' && !this.csrf.verify(cookies[CSRF_COOKIE], posted._csrf)) return this.render(p, name, { error: t['error.csrf'] }, 403);
    try {
      if (request.method === 'POST') return await this.post(name, p);
      return await this.render(p, name, { notice: query.m && query.m in t ? t[query.m as MessageKey] : undefined });
    } catch (error) {
      const kind = errorKey(error);
      if (!kind) this.log.error({ err: error }, 'hosted page: unexpected error');
      const message = kind ? t[kind.key] + (kind.detail ?? '') : t['error.generic'];
      return this.render(p, name, { error: message }, kind ? 400 : 500);
    }
  }

  private url(p: PageContext, name: PageName, extra: Record<string, string | undefined> = {}): string {
    const search = new URLSearchParams({ i: p.uid });
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) search.set(k, v);
    return `${p.site.basePath}/${name}?${search.toString()}`;
  }

  /** The client as its own pages call it: ViaClient with the SECRET_HASH the page can sign (it is the service). */
  private async via(p: PageContext, username: string) {
    const client = await this.queries.execute(new DescribeUserPoolClientQuery({ poolId: p.site.domain.poolId, clientId: p.clientId }, p.context));
    return { clientId: p.clientId, ...(client.clientSecret ? { secretHash: secretHash(client.clientSecret, username, p.clientId) } : {}), client };
  }

  private async post(name: PageName, p: PageContext): Promise<void> {
    const f = p.form;
    const poolId = p.site.domain.poolId;
    switch (name) {
      case 'login': {
        if (f.challenge) {
          const responses: Record<string, string> = { USERNAME: f.username ?? '' };
          if (f.challenge === 'NEW_PASSWORD_REQUIRED') {
            responses.NEW_PASSWORD = f.password ?? '';
            for (const [key, value] of Object.entries(f)) if (key.startsWith('userAttributes.')) responses[key] = value;
          } else responses[`${f.challenge}_CODE`] = f.code ?? '';
          const answer = await this.commands.execute(
            new HostedChallengeCommand({ poolId, clientId: p.clientId, challenge: f.challenge, session: f.session ?? '', responses }, p.context),
          );
          return this.signedIn(p, answer);
        }
        try {
          const answer = await this.commands.execute(
            new HostedSignInCommand({ poolId, clientId: p.clientId, username: f.username ?? '', password: f.password ?? '' }, p.context),
          );
          return await this.signedIn(p, answer);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === 'UserNotConfirmedException') return void p.reply.redirect(this.url(p, 'confirmUser', { username: f.username }), 303);
          if (code === 'PasswordResetRequiredException') return void p.reply.redirect(this.url(p, 'forgotPassword', { username: f.username }), 303);
          throw error;
        }
      }
      case 'signup': {
        const pool = await this.queries.execute(new GetUserPoolQuery({ poolId }, p.context));
        const emailIsUsername = pool.usernameAttributes.includes('email');
        const username = (emailIsUsername ? f.email : f.username) ?? '';
        const attributes: Record<string, string> = {};
        for (const [key, value] of Object.entries(f)) if (key.startsWith('attr.') && value !== '') attributes[key.slice(5)] = value;
        if (f.email) attributes.email = f.email;
        const { client: _client, ...via } = await this.via(p, username);
        const result = await this.commands.execute(new SignUpCommand({ via, username, password: f.password ?? '', attributes }, p.context));
        return void p.reply.redirect(result.userConfirmed ? this.url(p, 'login', { m: 'signedUp' }) : this.url(p, 'confirmUser', { username }), 303);
      }
      case 'confirmUser': {
        const { client: _client, ...via } = await this.via(p, f.username ?? '');
        if (f.resend) {
          await this.commands.execute(new ResendConfirmationCodeCommand({ via, username: f.username ?? '' }, p.context));
          return this.render(p, name, { notice: p.t.resent });
        }
        await this.commands.execute(new ConfirmSignUpCommand({ via, username: f.username ?? '', code: f.code ?? '' }, p.context));
        return void p.reply.redirect(this.url(p, 'login', { m: 'confirmed' }), 303);
      }
      case 'forgotPassword': {
        const { client: _client, ...via } = await this.via(p, f.username ?? '');
        await this.commands.execute(new ForgotPasswordCommand({ via, username: f.username ?? '' }, p.context));
        return void p.reply.redirect(this.url(p, 'confirmForgotPassword', { username: f.username }), 303);
      }
      case 'confirmForgotPassword': {
        const { client: _client, ...via } = await this.via(p, f.username ?? '');
        await this.commands.execute(
          new ConfirmForgotPasswordCommand({ via, username: f.username ?? '', code: f.code ?? '', password: f.password ?? '' }, p.context),
        );
        return void p.reply.redirect(this.url(p, 'login', { m: 'reset' }), 303);
      }
    }
  }

  /** Signed in: the interaction ends with the login (the library redirects back to the authorization request); a challenge gets its form. */
  private async signedIn(p: PageContext, answer: HostedSignInAnswer): Promise<void> {
    if (answer.kind === 'challenge') return this.render(p, 'login', { challenge: answer });
    p.reply.hijack();
    await p.site.provider.interactionFinished(
      p.request.raw,
      p.reply.raw,
      { login: { accountId: answer.sub, ts: answer.authTime, amr: ['pwd', p.site.signInAmr(answer.familyId)] } },
      { mergeWithLastSubmission: false },
    );
  }

  private async render(
    p: PageContext,
    name: PageName,
    state: { error?: string; notice?: string; challenge?: Extract<HostedSignInAnswer, { kind: 'challenge' }> },
    status = 200,
  ): Promise<void> {
    const { t } = p;
    const query = p.request.query as Record<string, string | undefined>;
    const username = p.form.username ?? query.username ?? '';
    const action = `${p.site.basePath}/${name}`;
    const common = { action, csrf: p.csrf, error: state.error, notice: state.notice, hidden: { i: p.uid } };
    let title: string;
    let body: Html;
    switch (name) {
      case 'login': {
        const c: { challenge: string; session: string; parameters: Record<string, string> } | undefined =
          state.challenge ?? (p.form.challenge ? { challenge: p.form.challenge, session: p.form.session ?? '', parameters: {} } : undefined);
        if (c?.challenge === 'NEW_PASSWORD_REQUIRED') {
          title = t.newPasswordTitle;
          const required = JSON.parse(c.parameters.requiredAttributes ?? '[]') as string[];
          const fields: Field[] = [
            { name: 'password', label: t.newPassword, type: 'password', autocomplete: 'new-password' },
            ...required.map((a) => ({ name: a, label: a.replace(/^userAttributes\./, '') })),
          ];
          body = html`<h1>${title}</h1>
            <p class="textDescription-customizable">${t.newPasswordLead}</p>
            ${form({ ...common, fields, hidden: { ...common.hidden, challenge: c.challenge, session: c.session, username }, submit: t.changePassword })}`;
        } else if (c) {
          title = t.mfaTitle;
          const fields: Field[] = [{ name: 'code', label: t.code, autocomplete: 'one-time-code' }];
          body = html`<h1>${title}</h1>
            <p class="textDescription-customizable">${t.mfaLead}</p>
            ${form({ ...common, fields, hidden: { ...common.hidden, challenge: c.challenge, session: c.session, username }, submit: t.verify })}`;
        } else {
          title = t.signInTitle;
          const fields: Field[] = [
            { name: 'username', label: t.username, value: username, autocomplete: 'username' },
            { name: 'password', label: t.password, type: 'password', autocomplete: 'current-password' },
          ];
          body = html`<h1>${title}</h1>
            <p class="textDescription-customizable">${t.signInLead}</p>
            ${form({ ...common, fields, submit: t.signIn })}
            <p class="links"><a class="redirect-customizable" href="${this.url(p, 'forgotPassword')}">${t.forgot}</a></p>
            <p>${t.noAccount} <a class="redirect-customizable" href="${this.url(p, 'signup')}">${t.signUp}</a></p>`;
        }
        break;
      }
      case 'signup': {
        title = t.signUpTitle;
        const pool = await this.queries.execute(new GetUserPoolQuery({ poolId: p.site.domain.poolId }, p.context));
        const emailIsUsername = pool.usernameAttributes.includes('email');
        const extra = pool.schema.filter((a) => a.required && a.name !== 'email');
        const fields: Field[] = [
          ...(emailIsUsername ? [] : [{ name: 'username', label: t.username, value: username, autocomplete: 'username' }]),
          {
            name: 'email',
            label: t.email,
            type: 'email',
            value: p.form.email ?? '',
            autocomplete: 'email',
            required: emailIsUsername || pool.schema.some((a) => a.name === 'email' && a.required),
          },
          ...extra.map((a) => ({ name: `attr.${a.name}`, label: a.name, value: p.form[`attr.${a.name}`] ?? '' })),
          { name: 'password', label: t.password, type: 'password', autocomplete: 'new-password' },
        ];
        body = html`<h1>${title}</h1>
          <p class="textDescription-customizable">${t.signUpLead}</p>
          ${form({ ...common, fields, submit: t.signUp })}
          <p class="links">${t.haveAccount} <a class="redirect-customizable" href="${this.url(p, 'login')}">${t.signIn}</a></p>`;
        break;
      }
      case 'confirmUser': {
        title = t.confirmTitle;
        const fields: Field[] = [{ name: 'code', label: t.code, autocomplete: 'one-time-code' }];
        body = html`<h1>${title}</h1>
          <p class="textDescription-customizable">${t.confirmLead}</p>
          ${form({ ...common, fields, hidden: { ...common.hidden, username }, submit: t.confirm })}
          <form method="post" action="${action}">
            <input type="hidden" name="_csrf" value="${p.csrf}" /><input type="hidden" name="i" value="${p.uid}" /><input
              type="hidden"
              name="username"
              value="${username}"
            /><input type="hidden" name="resend" value="1" />
            <p class="links"><button class="link redirect-customizable" type="submit">${t.resend}</button></p>
          </form>`;
        break;
      }
      case 'forgotPassword': {
        title = t.forgotTitle;
        const fields: Field[] = [{ name: 'username', label: t.username, value: username, autocomplete: 'username' }];
        body = html`<h1>${title}</h1>
          <p class="textDescription-customizable">${t.forgotLead}</p>
          ${form({ ...common, fields, submit: t.resetPassword })}
          <p class="links"><a class="redirect-customizable" href="${this.url(p, 'login')}">${t.back}</a></p>`;
        break;
      }
      case 'confirmForgotPassword': {
        title = t.confirmForgotTitle;
        const fields: Field[] = [
          { name: 'code', label: t.code, autocomplete: 'one-time-code' },
          { name: 'password', label: t.newPassword, type: 'password', autocomplete: 'new-password' },
        ];
        body = html`<h1>${title}</h1>
          <p class="textDescription-customizable">${t.confirmForgotLead}</p>
          ${form({ ...common, fields, hidden: { ...common.hidden, username }, submit: t.changePassword })}`;
        break;
      }
    }
    void p.reply
      .status(status)
      .headers(PAGE_HEADERS)
      .send(page({ lang: p.lang, t, title, theme: p.theme, body }));
  }

  /** GET /confirmUser?client_id&user_name&confirmation_code: ConfirmSignUp through the client, as the app would call it. */
  private async confirmByLink(
    site: HostedSite,
    link: { clientId: string; username: string; code: string },
    reply: FastifyReply,
    lang: string,
    t: Messages,
    context: RequestContext,
  ): Promise<void> {
    try {
      const client = await this.queries.execute(new DescribeUserPoolClientQuery({ poolId: site.domain.poolId, clientId: link.clientId }, context));
      const via = { clientId: link.clientId, ...(client.clientSecret ? { secretHash: secretHash(client.clientSecret, link.username, link.clientId) } : {}) };
      await this.commands.execute(new ConfirmSignUpCommand({ via, username: link.username, code: link.code }, context));
    } catch (error) {
      const kind = errorKey(error);
      if (kind) return this.fail(reply, lang, t, kind.key, 400, kind.detail);
      if (error instanceof DomainError) return this.fail(reply, lang, t, 'error.generic', 400);
      this.log.error({ err: error }, 'hosted page: unexpected error');
      return this.fail(reply, lang, t, 'error.generic', 500);
    }
    void reply
      .status(200)
      .headers(PAGE_HEADERS)
      .send(
        page({
          lang,
          t,
          title: t.linkConfirmed,
          theme: DEFAULT_THEME,
          body: html`<h1>${t.linkConfirmed}</h1>
            <p role="status">${t.linkConfirmedLead}</p>`,
        }),
      );
  }

  /** The sign-in page of a federation-only client with several IdPs: one link per IdP, no password form. */
  private chooser(reply: FastifyReply, lang: string, t: Messages, theme: Theme, providers: Array<{ name: string; href: string }>): void {
    void reply
      .status(200)
      .headers(PAGE_HEADERS)
      .send(
        page({
          lang,
          t,
          title: t.signInTitle,
          theme,
          body: html`<h1>${t.signInTitle}</h1>
            <p class="textDescription-customizable">${t.federatedLead}</p>
            <ul class="idp-list">
              ${providers.map((p) => html`<li><a class="idpButton-customizable" href="${p.href}">${t.continueWith} ${p.name}</a></li>`)}
            </ul>`,
        }),
      );
  }

  private fail(reply: FastifyReply, lang: string, t: Messages, key: MessageKey, status: number, detail = ''): void {
    void reply
      .status(status)
      .headers(PAGE_HEADERS)
      .send(
        page({
          lang,
          t,
          title: t.errorTitle,
          theme: DEFAULT_THEME,
          body: html`<h1>${t.errorTitle}</h1>
            <p class="errorMessage-customizable" role="alert">${t[key] + detail}</p>`,
        }),
      );
  }
}
