import { COGNITO_IDENTITY_PROVIDER } from '../openid-tokens.js';
import { type Decision, evaluate, type NamedPolicy } from '../policy/evaluate.js';
import { parsePolicy } from '../policy/policy-document.js';

/** The principal temporary credentials stand for. */
export interface SessionPrincipal {
  identityId: string;
  poolId: string;
  roleArn: string;
  roleId?: string;
  roleSessionName: string;
  tags: Readonly<Record<string, string>>;
  amr: readonly string[];
  /** Epoch seconds. */
  issuedAt: number;
}

export interface AccessRequest {
  action: string;
  resource: string;
  /** More condition keys the resource server knows (e.g. `s3:prefix`); `aws:` and identity keys are the verifier's. */
  context?: Readonly<Record<string, string | readonly string[]>>;
  sourceIp?: string;
  now: Date;
}

const RESERVED = /^(aws:|cognito-identity\.amazonaws\.com:)/i;

/** The condition keys of a request made with a session's credentials. */
export function sessionContext(principal: SessionPrincipal, request: AccessRequest): Record<string, string | readonly string[]> {
  const context: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(request.context ?? {})) if (!RESERVED.test(k)) context[k] = v;
  for (const [k, v] of Object.entries(principal.tags)) context[`aws:PrincipalTag/${k}`] = v;
  Object.assign(context, {
    [`${COGNITO_IDENTITY_PROVIDER}:sub`]: principal.identityId,
    [`${COGNITO_IDENTITY_PROVIDER}:aud`]: principal.poolId,
    [`${COGNITO_IDENTITY_PROVIDER}:amr`]: principal.amr,
    'aws:FederatedProvider': COGNITO_IDENTITY_PROVIDER,
    'aws:PrincipalArn': principal.roleArn,
    'aws:PrincipalType': 'AssumedRole',
    'aws:userid': `${principal.roleId ?? principal.roleArn}:${principal.roleSessionName}`,
    'aws:CurrentTime': request.now.toISOString(),
    'aws:EpochTime': String(Math.floor(request.now.getTime() / 1000)),
    'aws:TokenIssueTime': new Date(principal.issuedAt * 1000).toISOString(),
    'aws:ViaAWSService': 'false',
  });
  if (Object.keys(principal.tags).length > 0) context['aws:PrincipalTagKeys'] = Object.keys(principal.tags);
  if (request.sourceIp) context['aws:SourceIp'] = request.sourceIp;
  return context;
}

/** Evaluates the role's permission policies (name → IAM JSON) for one action on one resource. */
export function authorize(principal: SessionPrincipal, policies: Readonly<Record<string, string>>, request: AccessRequest): Decision {
  const named: NamedPolicy[] = Object.entries(policies).map(([name, text]) => ({ name, document: parsePolicy(text, 'identity') }));
  return evaluate(named, { action: request.action, resource: request.resource, context: sessionContext(principal, request) });
}
