import { type Html, html, raw } from './html.js';
import type { Messages } from './messages.js';

/** A pool's and client's look: stored UI customization CSS and logo, managed-login colours. */
export interface Theme {
  css?: string;
  logo?: string;
  colors: { primary: string; pageBackground: string; formBackground: string; text: string };
}

// Defaults chosen for contrast: body text 16.1:1 on white, the button's white text 7.1:1 on its blue.
export const DEFAULT_THEME: Theme = { colors: { primary: '#0a4fa8', pageBackground: '#f2f3f5', formBackground: '#ffffff', text: '#16191f' } };

const BASE_CSS = `
:root { --primary: VAR_PRIMARY; --page-bg: VAR_PAGE; --form-bg: VAR_FORM; --text: VAR_TEXT; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--page-bg); }
main { max-width: 26rem; margin: 3rem auto; padding: 2rem; background: var(--form-bg); border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
p { margin: .5rem 0 1rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=text], input[type=password], input[type=email], input[type=tel] { width: 100%; padding: .6rem; font: inherit; border: 1px solid #5f6b7a; border-radius: 4px; color: var(--text); background: #fff; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
button { width: 100%; margin-top: 1.5rem; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: var(--primary); border: 0; border-radius: 4px; cursor: pointer; }
button.link { width: auto; margin: 0; padding: 0; color: var(--primary); background: none; text-decoration: underline; font-weight: 400; }
a { color: var(--primary); }
.errorMessage-customizable { color: #b3141c; background: #fdeceb; border-left: 4px solid #b3141c; padding: .5rem .75rem; }
.notice { background: #e8f3e8; border-left: 4px solid #1d6b2f; padding: .5rem .75rem; }
.logo-customizable { display: block; max-width: 60%; max-height: 6rem; margin: 0 auto 1rem; }
.links { margin-top: 1.25rem; }
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CSP,
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

/**
 * Every hosted page: one form, no script (the pages work without JavaScript), the language of
 * the messages, the classic hosted UI's CSS class names (so SetUICustomization CSS applies),
 * errors announced (role=alert) and tied to the fields they are about.
 */
export function page(args: { lang: string; t: Messages; title: string; theme: Theme; body: Html }): string {
  const { colors } = args.theme;
  const css = BASE_CSS.replace('VAR_PRIMARY', colors.primary)
    .replace('VAR_PAGE', colors.pageBackground)
    .replace('VAR_FORM', colors.formBackground)
    .replace('VAR_TEXT', colors.text);
  // Stored CSS is the pool admin's; it can never close the style element.
  const custom = (args.theme.css ?? '').replace(/<\/?style/gi, '');
  return html`<!DOCTYPE html>
    <html lang="${args.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${args.title}</title>
        <style>
          ${raw(css)}
        </style>
        <style>
          ${raw(custom)}
        </style>
      </head>
      <body class="background-customizable">
        <main class="banner-customizable">${args.theme.logo ? html`<img class="logo-customizable" src="${args.theme.logo}" alt="" />` : ''} ${args.body}</main>
      </body>
    </html>`.html;
}

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel';
  value?: string;
  autocomplete?: string;
  required?: boolean;
}

/** A form posting to `action` with its CSRF token, fields, hidden values and submit button. */
export function form(args: {
  action: string;
  csrf: string;
  fields: Field[];
  hidden?: Record<string, string>;
  submit: string;
  error?: string;
  notice?: string;
  errorField?: string;
}): Html {
  const errorId = 'form-error';
  return html`${args.notice ? html`<p class="notice" role="status">${args.notice}</p>` : ''}
    ${args.error ? html`<p id="${errorId}" class="errorMessage-customizable" role="alert">${args.error}</p>` : ''}
    <form method="post" action="${args.action}" novalidate>
      <input type="hidden" name="_csrf" value="${args.csrf}" />
      ${Object.entries(args.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      ${args.fields.map(
        (f) =>
          html`<label class="label-customizable" for="f-${f.name}">${f.label}</label>
            <input
              class="inputField-customizable"
              id="f-${f.name}"
              name="${f.name}"
              type="${f.type ?? 'text'}"
              value="${f.value ?? ''}"
              ${raw(f.autocomplete ? ` autocomplete="${f.autocomplete}"` : '')}${raw(f.required === false ? '' : ' required')}${raw(args.error && (args.errorField === undefined || args.errorField === f.name) ? ` aria-invalid="true" aria-describedby="${errorId}"` : '')}
            />`,
      )}
      <button class="submitButton-customizable" type="submit">${args.submit}</button>
    </form>`;
}
