/** HTML text and attribute escaping for the server-rendered pages. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export type Html = { readonly html: string };
export const raw = (html: string): Html => ({ html });

/** A tagged template whose interpolations are escaped unless they are already Html. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (isHtml(x) ? x.html : esc(x))).join('')
      : isHtml(v)
        ? v.html
        : v === false || v === undefined || v === null
          ? ''
          : esc(v);
    out += part + strings[i + 1];
  });
  return { html: out };
}

const isHtml = (v: unknown): v is Html => typeof v === 'object' && v !== null && 'html' in v && typeof (v as Html).html === 'string';
