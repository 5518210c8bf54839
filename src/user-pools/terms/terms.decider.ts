import { type Decider, unreachable } from '../../shared/decider.js';
import { DomainError, InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { TermsDocument, TermsEvent, TermsName } from './terms.events.js';

/** Cognito's TermsExistsException: the client already has a document of that name. */
export class TermsExistsError extends DomainError {
  readonly code = 'TermsExistsException';
  readonly status = 409;
}

export interface StoredTerms extends TermsDocument {
  termsId: string;
  poolId: string;
  clientId: string;
  createdAt: string;
  updatedAt: string;
}

export interface TermsState {
  /** Live documents by id, in creation order. */
  terms: StoredTerms[];
}

export type TermsCommand =
  | ({ type: 'CreateTerms'; poolId: string; termsId: string; clientId: string; now: string } & TermsDocument)
  | { type: 'UpdateTerms'; termsId: string; changes: Partial<TermsDocument>; now: string }
  | { type: 'DeleteTerms'; termsId: string; now: string };

export const termsNotFound = (termsId: string) => new ResourceNotFoundError(`Terms ${termsId} do not exist.`);
/** Each link must be a web address the sign-up page can point at. */
function checkLinks(links: Record<string, string>): void {
  for (const [language, url] of Object.entries(links)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:'))
      throw new InvalidParameterError(`The link for ${language} is not a valid URL.`);
  }
}

const exists = (clientId: string, name: TermsName) => new TermsExistsError(`Terms named ${name} already exist for client ${clientId}.`);

export const termsDecider: Decider<TermsCommand, TermsEvent, TermsState> = {
  initialState: () => ({ terms: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'TermsCreated': {
        const { createdAt, ...rest } = event.data;
        return { terms: [...state.terms, { ...rest, createdAt, updatedAt: createdAt }] };
      }
      case 'TermsUpdated': {
        const { updatedAt, termsId, ...document } = event.data;
        return { terms: state.terms.map((t) => (t.termsId === termsId ? { ...t, ...document, updatedAt } : t)) };
      }
      case 'TermsDeleted':
        return { terms: state.terms.filter((t) => t.termsId !== event.data.termsId) };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateTerms': {
        const { type: _type, now, ...terms } = command;
        checkLinks(terms.links);
        if (state.terms.some((t) => t.clientId === terms.clientId && t.termsName === terms.termsName)) throw exists(terms.clientId, terms.termsName);
        return [{ type: 'TermsCreated', data: { ...terms, createdAt: now } }];
      }
      case 'UpdateTerms': {
        const current = state.terms.find((t) => t.termsId === command.termsId);
        if (!current) throw termsNotFound(command.termsId);
        const next: TermsDocument = {
          termsName: command.changes.termsName ?? current.termsName,
          termsSource: command.changes.termsSource ?? current.termsSource,
          enforcement: command.changes.enforcement ?? current.enforcement,
          links: command.changes.links ?? current.links,
        };
        checkLinks(next.links);
        const clash = state.terms.some((t) => t.termsId !== current.termsId && t.clientId === current.clientId && t.termsName === next.termsName);
        if (clash) throw exists(current.clientId, next.termsName);
        return [{ type: 'TermsUpdated', data: { termsId: current.termsId, ...next, updatedAt: command.now } }];
      }
      case 'DeleteTerms':
        if (!state.terms.some((t) => t.termsId === command.termsId)) throw termsNotFound(command.termsId);
        return [{ type: 'TermsDeleted', data: { termsId: command.termsId, deletedAt: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
