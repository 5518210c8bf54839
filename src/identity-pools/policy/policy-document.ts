import { DomainError } from '../../shared/domain-error.js';

/**
 * AWS IAM JSON policy grammar (the subset roles here use): a document of statements, each
 * with an effect, actions (or NotAction), resources (or NotResource), an optional principal
 * (trust policies only) and conditions. Parsing checks the grammar once, when a document is
 * stored, so evaluation never meets a malformed one.
 */
export type Effect = 'Allow' | 'Deny';
export type ConditionValues = string[];
/** operator (e.g. `ForAnyValue:StringLike`, `NumericLessThanIfExists`) → key → values. */
export type ConditionBlock = Record<string, Record<string, ConditionValues>>;
/** `*` or principal type (AWS, Federated, Service, CanonicalUser) → values. */
export type Principal = '*' | Record<string, string[]>;

export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Principal;
  notPrincipal?: Principal;
  condition: ConditionBlock;
}

export interface PolicyDocument {
  version: '2012-10-17' | '2008-10-17';
  statements: Statement[];
}

/** IAM's exception for a document that does not parse or breaks the grammar. */
export class MalformedPolicyDocumentError extends DomainError {
  readonly code = 'MalformedPolicyDocumentException';
  readonly status = 400;
}

export type PolicyKind = 'identity' | 'trust';

/** The largest document IAM accepts for an inline role policy (10,240 characters). */
export const MAX_POLICY_LENGTH = 10_240;

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);
const BASE_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
]);

const malformed = (detail: string) => new MalformedPolicyDocumentError(`Syntax errors in policy: ${detail}`);

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined when the operator is unknown. */
export function parseOperator(name: string): { set?: 'ForAnyValue' | 'ForAllValues'; base: string; ifExists: boolean } | undefined {
  let rest = name;
  let set: 'ForAnyValue' | 'ForAllValues' | undefined;
  for (const prefix of ['ForAnyValue:', 'ForAllValues:'] as const) {
    if (rest.startsWith(prefix)) {
      set = prefix.slice(0, -1) as 'ForAnyValue' | 'ForAllValues';
      rest = rest.slice(prefix.length);
    }
  }
  const ifExists = rest !== 'Null' && rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!BASE_OPERATORS.has(base)) return undefined;
  return { ...(set ? { set } : {}), base, ifExists };
}

/** Parses and checks a policy document (JSON text or an already parsed value). */
export function parsePolicy(input: unknown, kind: PolicyKind): PolicyDocument {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_POLICY_LENGTH) throw new MalformedPolicyDocumentError(`Cannot exceed quota for PolicySize: ${MAX_POLICY_LENGTH}`);
    try {
      value = JSON.parse(input);
    } catch {
      throw new MalformedPolicyDocumentError('This policy contains invalid Json');
    }
  }
  if (!isObject(value)) throw new MalformedPolicyDocumentError('This policy contains invalid Json');
  for (const key of Object.keys(value)) if (!['Version', 'Id', 'Statement'].includes(key)) throw malformed(`unknown element ${key}`);
  const version = value.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') throw new MalformedPolicyDocumentError('The policy must contain a valid version string');
  const raw = value.Statement;
  if (raw === undefined) throw malformed('Statement is required');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw malformed('Statement must not be empty');
  const sids = new Set<string>();
  const statements = list.map((s, i) => {
    const statement = parseStatement(s, i, kind);
    if (statement.sid !== undefined) {
      if (sids.has(statement.sid)) throw malformed(`Statement IDs (SID) in a single policy must be unique`);
      sids.add(statement.sid);
    }
    return statement;
  });
  return { version, statements };
}

function parseStatement(raw: unknown, index: number, kind: PolicyKind): Statement {
  const at = `statement ${index + 1}`;
  if (!isObject(raw)) throw malformed(`${at} must be an object`);
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) throw malformed(`${at}: unknown element ${key}`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw malformed(`${at}: Effect must be Allow or Deny`);
  if (raw.Sid !== undefined && (typeof raw.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(raw.Sid))) throw malformed(`${at}: Sid must be alphanumeric`);
  const exactlyOne = (a: string, b: string, required: boolean) => {
    if (raw[a] !== undefined && raw[b] !== undefined) throw malformed(`${at}: ${a} and ${b} cannot both be present`);
    if (required && raw[a] === undefined && raw[b] === undefined) throw malformed(`${at}: ${a} or ${b} is required`);
  };
  exactlyOne('Action', 'NotAction', true);
  exactlyOne('Principal', 'NotPrincipal', kind === 'trust');
  if (kind === 'identity' && (raw.Principal !== undefined || raw.NotPrincipal !== undefined)) {
    throw malformed(`${at}: Policy document should not specify a principal.`);
  }
  if (kind === 'trust' && (raw.Resource !== undefined || raw.NotResource !== undefined)) {
    throw malformed(`${at}: Has prohibited field Resource.`);
  }
  exactlyOne('Resource', 'NotResource', kind === 'identity');
  const statement: Statement = { effect: raw.Effect, condition: parseCondition(raw.Condition, at) };
  if (raw.Sid !== undefined) statement.sid = raw.Sid as string;
  if (raw.Action !== undefined) statement.action = strings(raw.Action, `${at}: Action`).map((a) => checkAction(a, at));
  if (raw.NotAction !== undefined) statement.notAction = strings(raw.NotAction, `${at}: NotAction`).map((a) => checkAction(a, at));
  if (raw.Resource !== undefined) statement.resource = strings(raw.Resource, `${at}: Resource`).map((r) => checkResource(r, at));
  if (raw.NotResource !== undefined) statement.notResource = strings(raw.NotResource, `${at}: NotResource`).map((r) => checkResource(r, at));
  if (raw.Principal !== undefined) statement.principal = parsePrincipal(raw.Principal, at);
  if (raw.NotPrincipal !== undefined) statement.notPrincipal = parsePrincipal(raw.NotPrincipal, at);
  return statement;
}

function checkAction(action: string, at: string): string {
  if (action === '*' || /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) return action;
  throw malformed(`${at}: Action ${JSON.stringify(action)} must be a service prefix and an action name (vendor:action)`);
}

function checkResource(resource: string, at: string): string {
  if (resource === '*' || resource.startsWith('arn:')) return resource;
  throw malformed(`${at}: Resource ${resource} must be in ARN format or "*".`);
}

function parsePrincipal(raw: unknown, at: string): Principal {
  if (raw === '*') return '*';
  if (!isObject(raw) || Object.keys(raw).length === 0) throw malformed(`${at}: Principal must be "*" or a map of principal types`);
  const out: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(raw)) {
    if (!PRINCIPAL_TYPES.has(type)) throw malformed(`${at}: unknown principal type ${type}`);
    out[type] = strings(values, `${at}: Principal ${type}`);
  }
  return out;
}

function parseCondition(raw: unknown, at: string): ConditionBlock {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw malformed(`${at}: Condition must be an object`);
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(raw)) {
    if (!parseOperator(operator)) throw malformed(`${at}: Invalid Condition type : ${operator}`);
    if (!isObject(keys) || Object.keys(keys).length === 0) throw malformed(`${at}: Condition ${operator} must map keys to values`);
    block[operator] = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = (Array.isArray(values) ? values : [values]).map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw malformed(`${at}: condition values of ${key} must be strings, numbers or booleans`);
      });
      if (list.length === 0) throw malformed(`${at}: condition ${key} has no value`);
      block[operator][key] = list;
    }
  }
  return block;
}

function strings(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' && v.length > 0)) throw malformed(`${what} must be a string or a list of strings`);
  return list as string[];
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
