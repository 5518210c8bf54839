import { parseOperator, type ConditionBlock, type PolicyDocument, type Principal, type Statement } from './policy-document.js';
import { arnMatch, escapeForPattern, globMatch, ipMatch, unescapePattern } from './patterns.js';

/** Condition keys of a request, by name (names compare case-insensitively, as in IAM). */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `s3:GetObject`. */
  action: string;
  /** The resource's ARN; trust policies have none. */
  resource?: string;
  /** Who asks (trust policies): principal type and value, e.g. Federated / cognito-identity.amazonaws.com. */
  principal?: { type: string; id: string };
  context: RequestContext;
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export interface DecidingStatement {
  policy: string;
  /** 0-based position in the policy's Statement list. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface Decision {
  decision: 'Allow' | 'Deny';
  /** ExplicitDeny: a Deny statement matched; Allowed: an Allow matched and no Deny; ImplicitDeny: nothing matched. */
  reason: 'ExplicitDeny' | 'Allowed' | 'ImplicitDeny';
  statement?: DecidingStatement;
}

/**
 * IAM's evaluation within one account: an explicit Deny in any policy wins, else an Allow in
 * any policy allows, else the request is implicitly denied. The deciding statement is the first
 * matching Deny, or the first matching Allow.
 */
export function evaluate(policies: readonly NamedPolicy[], request: AuthorizationRequest): Decision {
  const context = lowerKeys(request.context);
  let allow: DecidingStatement | undefined;
  for (const policy of policies) {
    for (const [index, statement] of policy.document.statements.entries()) {
      if (!statementApplies(statement, request, context)) continue;
      const deciding: DecidingStatement = { policy: policy.name, index, effect: statement.effect, ...(statement.sid ? { sid: statement.sid } : {}) };
      if (statement.effect === 'Deny') return { decision: 'Deny', reason: 'ExplicitDeny', statement: deciding };
      allow ??= deciding;
    }
  }
  return allow ? { decision: 'Allow', reason: 'Allowed', statement: allow } : { decision: 'Deny', reason: 'ImplicitDeny' };
}

function statementApplies(s: Statement, request: AuthorizationRequest, context: Map<string, string | readonly string[]>): boolean {
  const action = request.action;
  if (s.action && !s.action.some((p) => globMatch(p, action, true))) return false;
  if (s.notAction && s.notAction.some((p) => globMatch(p, action, true))) return false;
  if (s.resource || s.notResource) {
    const resource = request.resource;
    if (resource === undefined) return false;
    const matches = (patterns: string[]) =>
      patterns.some((p) => {
        const substituted = substitute(p, context);
        return substituted !== undefined && arnMatch(substituted, resource);
      });
    if (s.resource && !matches(s.resource)) return false;
    if (s.notResource && matches(s.notResource)) return false;
  }
  if (s.principal && !principalMatches(s.principal, request.principal)) return false;
  if (s.notPrincipal && principalMatches(s.notPrincipal, request.principal)) return false;
  return conditionsHold(s.condition, context);
}

function principalMatches(principal: Principal, who: AuthorizationRequest['principal']): boolean {
  if (principal === '*') return true;
  if (!who) return false;
  const values = principal[who.type];
  return values !== undefined && values.some((v) => v === '*' || v === who.id);
}

/** Every operator holds, every key of an operator holds; a key holds when any of its values matches. */
export function conditionsHold(block: ConditionBlock, context: Map<string, string | readonly string[]>): boolean {
  for (const [name, keys] of Object.entries(block)) {
    const operator = parseOperator(name);
    if (!operator) return false;
    for (const [key, rawValues] of Object.entries(keys)) {
      if (!keyHolds(operator, context.get(key.toLowerCase()), rawValues, context)) return false;
    }
  }
  return true;
}

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'ArnNotEquals',
  'ArnNotLike',
  'NotIpAddress',
]);
const POSITIVE_OF: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NotIpAddress: 'IpAddress',
};
/** Operators whose values may hold policy variables (string and ARN comparisons). */
const TAKES_VARIABLES = /^(String|Arn)/;

function keyHolds(
  operator: NonNullable<ReturnType<typeof parseOperator>>,
  present: string | readonly string[] | undefined,
  rawValues: readonly string[],
  context: Map<string, string | readonly string[]>,
): boolean {
  const { base, set, ifExists } = operator;
  if (base === 'Null') {
    const absent = present === undefined || (Array.isArray(present) && present.length === 0);
    return rawValues.some((v) => (v.toLowerCase() === 'true' ? absent : !absent));
  }
  const requestValues = present === undefined ? [] : typeof present === 'string' ? [present] : [...present];
  if (requestValues.length === 0) {
    if (ifExists || set === 'ForAllValues') return true;
    if (set === 'ForAnyValue') return false;
    return NEGATED.has(base);
  }
  // Policy variables are replaced in string and ARN values; one that cannot be resolved matches nothing.
  const values = TAKES_VARIABLES.test(base) ? rawValues.map((v) => substitute(v, context)).filter((v): v is string => v !== undefined) : [...rawValues];
  const negated = NEGATED.has(base);
  const positive = negated ? POSITIVE_OF[base] : base;
  const matchesOne = (r: string) => {
    const any = values.some((p) => compare(positive, r, p));
    return negated ? !any : any;
  };
  if (set === 'ForAllValues') return requestValues.every(matchesOne);
  return requestValues.some(matchesOne);
}

function compare(operator: string, requestValue: string, policyValue: string): boolean {
  switch (operator) {
    case 'StringEquals':
      return requestValue === unescapePattern(policyValue);
    case 'StringEqualsIgnoreCase':
      return requestValue.toLowerCase() === unescapePattern(policyValue).toLowerCase();
    case 'StringLike':
      return globMatch(policyValue, requestValue);
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatch(policyValue, requestValue);
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
      return ordered(operator.slice('Numeric'.length), toNumber(requestValue), toNumber(policyValue));
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals':
      return ordered(operator.slice('Date'.length), toDate(requestValue), toDate(policyValue));
    case 'Bool':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'BinaryEquals':
      return requestValue === policyValue;
    case 'IpAddress':
      return ipMatch(policyValue, requestValue);
    default:
      return false;
  }
}

function ordered(relation: string, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (relation) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEquals':
      return a >= b;
    default:
      return false;
  }
}

const toNumber = (v: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN);
/** ISO 8601 dates or epoch seconds, as IAM takes them. */
const toDate = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Replaces `${key}` and `${key, 'default'}` with the request's single value for the key,
 * escaped so it matches literally; `${*}`, `${?}` and `${$}` stay as they are (literal characters).
 * Undefined when a variable names a key the request lacks (and no default): the element then
 * matches nothing, as in IAM.
 */
export function substitute(pattern: string, context: Map<string, string | readonly string[]>): string | undefined {
  let missing = false;
  const out = pattern.replace(VARIABLE, (whole, inner: string) => {
    if (inner === '*' || inner === '?' || inner === '$') return whole;
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
    if (!m) {
      missing = true;
      return '';
    }
    const value = context.get(m[1].toLowerCase());
    if (typeof value === 'string') return escapeForPattern(value);
    if (m[2] !== undefined) return escapeForPattern(m[2]);
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

function lowerKeys(context: RequestContext): Map<string, string | readonly string[]> {
  const map = new Map<string, string | readonly string[]>();
  for (const [k, v] of Object.entries(context)) if (v !== undefined) map.set(k.toLowerCase(), v);
  return map;
}
