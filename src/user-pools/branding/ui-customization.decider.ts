import type { Decider } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { ALL_CLIENTS, type UICustomizationEvent, type UICustomizationSet } from './ui-customization.events.js';

export type StoredCustomization = UICustomizationSet['data'] & { createdAt: string };

export interface UICustomizationState {
  byClient: Record<string, StoredCustomization>;
}

export type SetUICustomizationCommand = { type: 'SetUICustomization'; poolId: string; clientId: string; css?: string; image?: Uint8Array; now: string };

/** The classes the classic hosted UI lets a pool style (Cognito refuses any other selector). */
export const CUSTOMIZABLE_CLASSES = new Set([
  '.background-customizable',
  '.banner-customizable',
  '.errorMessage-customizable',
  '.idpButton-customizable',
  '.idpButton-customizable:hover',
  '.inputField-customizable',
  '.inputField-customizable:focus',
  '.label-customizable',
  '.legalText-customizable',
  '.logo-customizable',
  '.submitButton-customizable',
  '.submitButton-customizable:hover',
  '.textDescription-customizable',
]);

/** Cognito's limit on the logo. */
export const MAX_IMAGE_BYTES = 100 * 1024;

export function checkCss(css: string): void {
  const rules = css.replace(/\/\*[\s\S]*?\*\//g, '').split('}');
  for (const rule of rules) {
    if (rule.trim() === '') continue;
    const open = rule.indexOf('{');
    if (open < 0) throw new InvalidParameterError('The CSS is not a list of rules.');
    for (const selector of rule
      .slice(0, open)
      .split(',')
      .map((s) => s.trim())) {
      if (!CUSTOMIZABLE_CLASSES.has(selector)) throw new InvalidParameterError(`${selector} is not a customizable class of the hosted UI.`);
    }
  }
}

/** PNG or JPEG, by their signatures. */
export function imageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' {
  if (bytes.length > MAX_IMAGE_BYTES) throw new InvalidParameterError(`The image must be at most ${MAX_IMAGE_BYTES} bytes.`);
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  throw new InvalidParameterError('The image must be a PNG or JPEG file.');
}

export const uiCustomizationDecider: Decider<SetUICustomizationCommand, UICustomizationEvent, UICustomizationState> = {
  initialState: () => ({ byClient: {} }),

  evolve(state, event) {
    if (event.type !== 'UICustomizationSet') return state;
    const previous = state.byClient[event.data.clientId];
    return { byClient: { ...state.byClient, [event.data.clientId]: { ...event.data, createdAt: previous?.createdAt ?? event.data.at } } };
  },

  // A call replaces the client's (or ALL's) customization as a whole.
  decide(command, state) {
    if (command.css !== undefined) checkCss(command.css);
    const image =
      command.image && command.image.length > 0 ? { contentType: imageType(command.image), base64: Buffer.from(command.image).toString('base64') } : undefined;
    const version = Number(state.byClient[command.clientId]?.cssVersion ?? '0') + 1;
    return [
      {
        type: 'UICustomizationSet',
        data: {
          poolId: command.poolId,
          clientId: command.clientId,
          ...(command.css !== undefined ? { css: command.css } : {}),
          ...(image ? { image } : {}),
          cssVersion: String(version),
          at: command.now,
        },
      },
    ];
  },
};

/** A client's customization, or the pool's (`ALL`) when it has none of its own. */
export const effectiveCustomization = (state: UICustomizationState, clientId: string) => state.byClient[clientId] ?? state.byClient[ALL_CLIENTS];
