import type { KoaContextWithOIDC } from 'oidc-provider';
import { html } from './html.js';
import { DEFAULT_THEME, PAGE_HEADERS, page } from './layout.js';
import { pickLanguage } from './messages.js';

/**
 * The library's error page (an authorization request that cannot be sent back to a client: an
 * unknown client, a redirect URI that is not registered): the OAuth error, never a redirect.
 */
export function renderErrorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  const { lang, t } = pickLanguage(ctx.get('accept-language'));
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.body = page({
    lang,
    t,
    title: t.errorTitle,
    theme: DEFAULT_THEME,
    body: html`<h1>${t.errorTitle}</h1>
      <p class="errorMessage-customizable" role="alert"><strong>${out.error}</strong>${out.error_description ? html`: ${out.error_description}` : ''}</p>`,
  });
}
