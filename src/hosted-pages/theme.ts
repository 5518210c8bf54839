import type { QueryBus } from '@nestjs/cqrs';
import type { RequestContext } from '../shared/request-context.js';
import { DescribeManagedLoginBrandingQuery } from '../user-pools/branding/managed-login.use-cases.js';
import { GetUICustomizationQuery } from '../user-pools/branding/ui-customization.use-cases.js';
import { DEFAULT_THEME, type Theme } from './layout.js';

const HEX = /^[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

/** A managed-login colour (`0972d3ff`, Cognito's form) at a settings path, when it is one. */
function color(settings: unknown, path: string[]): string | undefined {
  let value: unknown = settings;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && HEX.test(value) ? `#${value}` : undefined;
}

/**
 * The look of a client's pages: its managed-login style's colours (light mode) and the classic
 * hosted UI's CSS and logo (the client's, else the pool's `ALL`), over accessible defaults.
 */
export async function loadTheme(queries: QueryBus, poolId: string, clientId: string, context: RequestContext): Promise<Theme> {
  const [classic, branding] = await Promise.all([
    queries.execute(new GetUICustomizationQuery({ poolId, clientId }, context)).catch(() => undefined),
    queries.execute(new DescribeManagedLoginBrandingQuery({ poolId, clientId }, context)).catch(() => undefined),
  ]);
  const settings = branding?.settings;
  const stored = classic?.stored;
  return {
    ...(stored?.css ? { css: stored.css } : {}),
    ...(stored?.image ? { logo: `data:${stored.image.contentType};base64,${stored.image.base64}` } : {}),
    colors: {
      primary: color(settings, ['components', 'primaryButton', 'lightMode', 'defaults', 'backgroundColor']) ?? DEFAULT_THEME.colors.primary,
      pageBackground: color(settings, ['components', 'pageBackground', 'lightMode', 'color']) ?? DEFAULT_THEME.colors.pageBackground,
      formBackground: color(settings, ['components', 'form', 'lightMode', 'backgroundColor']) ?? DEFAULT_THEME.colors.formBackground,
      text: DEFAULT_THEME.colors.text,
    },
  };
}
