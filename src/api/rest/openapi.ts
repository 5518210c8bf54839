import { z } from 'zod';
import { IDENTITY_HTTP_OPERATIONS } from '../cognito/identity/identity-http.route.js';
import { REST_SIGNING_SERVICE } from './admin-credentials.js';
import * as s from './schemas.js';
import { HISTORY_OPERATIONS } from './history.controller.js';
import { REST_CAPABILITIES } from './capabilities.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Auth = 'admin' | 'user' | 'public';

/** One operation as declared here; the document's operation object is built from it. */
interface Operation {
  summary: string;
  description?: string;
  auth: Auth;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success answer: status, what it is, and its schema (none: no content). */
  ok: [status: number, description: string, schema?: z.ZodType];
  /** Error statuses besides 400 (and 401 for authenticated routes). */
  errors?: number[];
  /** Answers an ETag (the resource's revision). */
  etag?: boolean;
  /** Takes If-Match (412 on a stale revision). */
  ifMatch?: boolean;
}

const ERROR_MEANING: Record<number, string> = {
  400: 'Invalid input (problem details; `code` is the Cognito exception name)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed',
  404: 'Unknown pool, user, client or group',
  409: 'Conflict (exists, or changed concurrently)',
  412: 'If-Match names a revision the resource has moved past (or an ETag a resource without one cannot match); nothing was written',
  429: 'Too many attempts',
};

/** JSON Schema 2020-12 is OpenAPI 3.1's own dialect: the `$schema` of each embedded schema says nothing. */
const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};
const content = (schema: z.ZodType, type = 'application/json') => ({ [type]: { schema: jsonSchema(schema) } });
/** Every error answer is the one Problem schema (components), so the document states it once. */
const problem = (status: number) => ({
  description: ERROR_MEANING[status] ?? 'Error',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const SECURITY: Record<Auth, unknown[] | undefined> = {
  admin: [{ adminBasic: [] }, { adminSigV4: [] }],
  user: [{ userAccessToken: [] }],
  public: undefined,
};

function operation(path: string, op: Operation) {
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !(schema as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(schema as z.ZodType),
  }));
  const ifMatch = op.ifMatch
    ? [
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The ETag a GET answered: the write happens only at that revision',
          schema: { type: 'string' },
        },
      ]
    : [];
  const parameters = [...pathParams, ...queryParams, ...ifMatch];
  const [status, description, schema] = op.ok;
  const errors = [400, ...(op.auth === 'public' ? [] : [401]), ...(op.ifMatch ? [412] : []), ...(op.errors ?? [])];
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(SECURITY[op.auth] ? { security: SECURITY[op.auth] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: content(op.body) } } : {}),
    responses: {
      [String(status)]: {
        description,
        ...(schema ? { content: content(schema) } : {}),
        ...(op.etag ? { headers: { ETag: { description: "The resource's revision, for If-Match", schema: { type: 'string' } } } } : {}),
      },
      ...Object.fromEntries([...new Set(errors)].sort().map((code) => [String(code), problem(code)])),
    },
  };
}

const page = (schema: z.ZodType, what: string): [number, string, z.ZodType] => [200, what, schema];
const done: [number, string] = [204, 'Done'];

/** The routes of capabilities.ts: bodies and answers in the Cognito action's member names. */
function capabilityOperations(): Record<string, Partial<Record<Method, Operation>>> {
  const out: Record<string, Partial<Record<Method, Operation>>> = {};
  for (const c of REST_CAPABILITIES) {
    const answer = c.page ? `A page: Cognito's ${c.action} answer, its next page token as nextCursor` : `Cognito's ${c.action} answer`;
    (out[c.path] ??= {})[c.method] = {
      summary: `${c.summary} (${c.action})`,
      auth: c.auth,
      ...(c.page ? { query: c.query } : {}),
      ...(c.body ? { body: c.body } : {}),
      ok: c.method === 'delete' ? done : [c.status ?? 200, answer],
      ...(c.stream
        ? c.method === 'get'
          ? { etag: true }
          : { ifMatch: true, ...(c.method !== 'delete' ? { etag: true } : {}) }
        : c.method === 'get'
          ? {}
          : {
              description:
                'This operation is on no single stream (a computed view, an action across streams, or the creation of a resource): it answers no ETag, and a write with If-Match is refused (412).',
            }),
      errors: [...(c.auth === 'user' ? [403] : []), 404, ...(c.method !== 'get' ? [409, 412] : [])],
    };
  }
  return out;
}

/** Every REST route, by path and method. */
const OPERATIONS: Record<string, Partial<Record<Method, Operation>>> = {
  ...HISTORY_OPERATIONS,
  ...IDENTITY_HTTP_OPERATIONS,
  ...capabilityOperations(),
  '/v1/user-pools': {
    post: { summary: 'Create a user pool', auth: 'admin', body: s.createUserPoolBody, ok: [201, 'The pool', s.userPoolResponse] },
    get: { summary: 'List user pools (every region)', auth: 'admin', query: s.pageQuery, ok: page(s.poolPageResponse, 'A page of pools') },
  },
  '/v1/user-pools/{poolId}': {
    get: { summary: 'Describe a user pool', auth: 'admin', ok: [200, 'The pool', s.userPoolResponse], errors: [404], etag: true },
    put: {
      summary: 'Replace the mutable settings (left out: defaults)',
      auth: 'admin',
      body: s.updateUserPoolBody,
      ok: [200, 'The pool', s.userPoolResponse],
      errors: [404],
      ifMatch: true,
    },
    delete: { summary: 'Delete a user pool (refused while deletion protection is on)', auth: 'admin', ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/custom-attributes': {
    post: { summary: 'Add custom attributes to the schema', auth: 'admin', body: s.addCustomAttributesBody, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/clients': {
    post: {
      summary: 'Create an app client',
      auth: 'admin',
      body: s.createClientBody,
      ok: [201, 'The client (with its secret when generated)', s.clientResponse],
      errors: [404],
    },
    get: { summary: 'List app clients', auth: 'admin', query: s.pageQuery, ok: page(s.clientPageResponse, 'A page of clients'), errors: [404] },
  },
  '/v1/user-pools/{poolId}/clients/{clientId}': {
    get: { summary: 'Describe an app client', auth: 'admin', ok: [200, 'The client', s.clientResponse], errors: [404], etag: true },
    put: {
      summary: "Replace an app client's configuration (left out: defaults)",
      auth: 'admin',
      body: s.updateClientBody,
      ok: [200, 'The client', s.clientResponse],
      errors: [404],
      etag: true,
      ifMatch: true,
    },
    delete: { summary: 'Delete an app client', auth: 'admin', ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users': {
    post: {
      summary: 'Create a user (invited with a temporary password unless SUPPRESS)',
      auth: 'admin',
      body: s.createUserBody,
      ok: [201, 'The user', s.userResponse],
      errors: [404, 409],
    },
    get: {
      summary:
        'Search users: repeatable `filter` (`attr=value` exact, `attr^=value` prefix; any standard or custom attribute, username, sub), status, enabled, group, created between, sort; paginated',
      auth: 'admin',
      query: s.listUsersQuery,
      ok: page(s.userPageResponse, 'A page of users'),
      errors: [404],
    },
  },
  '/v1/user-pools/{poolId}/users/{username}': {
    get: { summary: 'Get a user', auth: 'admin', ok: [200, 'The user', s.userResponse], errors: [404], etag: true },
    patch: {
      summary: "Set a user's attributes",
      auth: 'admin',
      body: s.updateAttributesBody,
      ok: [200, 'Codes sent for changed contacts', s.deliveryListResponse],
      errors: [404],
      ifMatch: true,
    },
    delete: { summary: 'Delete a user', auth: 'admin', ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/attributes': {
    delete: { summary: "Delete a user's attributes", auth: 'admin', query: s.attributeNamesQuery, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/disable': { post: { summary: 'Disable a user', auth: 'admin', body: s.lifecycleBody, ok: done, errors: [404] } },
  '/v1/user-pools/{poolId}/users/{username}/enable': { post: { summary: 'Enable a user', auth: 'admin', body: s.lifecycleBody, ok: done, errors: [404] } },
  '/v1/user-pools/{poolId}/users/{username}/confirm': {
    post: { summary: "Confirm a user's sign-up (no code)", auth: 'admin', body: s.lifecycleBody, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/sign-out': {
    post: { summary: 'Sign a user out everywhere (global sign-out)', auth: 'admin', body: s.lifecycleBody, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/reset-password': {
    post: { summary: "Reset a user's password (a code is sent; the user must set a new one)", auth: 'admin', body: s.lifecycleBody, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/password': {
    put: { summary: "Set a user's password (temporary unless permanent)", auth: 'admin', body: s.setPasswordBody, ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/users/{username}/auth-events': {
    get: {
      summary: "A user's sign-in attempts, newest first (poll the first page; stop at an eventId already seen)",
      auth: 'admin',
      query: s.pageQuery,
      ok: page(s.authEventPageResponse, 'A page of events'),
      errors: [404],
    },
  },
  '/v1/user-pools/{poolId}/users/{username}/groups': {
    get: { summary: "A user's groups", auth: 'admin', query: s.pageQuery, ok: page(s.groupPageResponse, 'A page of groups'), errors: [404] },
  },
  '/v1/user-pools/{poolId}/groups': {
    post: { summary: 'Create a group', auth: 'admin', body: s.createGroupBody, ok: [201, 'The group', s.groupResponse], errors: [404, 409] },
    get: { summary: 'List groups', auth: 'admin', query: s.pageQuery, ok: page(s.groupPageResponse, 'A page of groups'), errors: [404] },
  },
  '/v1/user-pools/{poolId}/groups/{groupName}': {
    get: { summary: 'Get a group', auth: 'admin', ok: [200, 'The group', s.groupResponse], errors: [404], etag: true },
    patch: {
      summary: "Change a group's settings (left out: unchanged)",
      auth: 'admin',
      body: s.updateGroupBody,
      ok: [200, 'The group', s.groupResponse],
      errors: [404],
      ifMatch: true,
    },
    delete: { summary: 'Delete a group (its memberships end)', auth: 'admin', ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/groups/{groupName}/members': {
    get: { summary: "A group's members", auth: 'admin', query: s.pageQuery, ok: page(s.userPageResponse, 'A page of users'), errors: [404] },
  },
  '/v1/user-pools/{poolId}/groups/{groupName}/members/{username}': {
    put: { summary: 'Add a user to a group (idempotent)', auth: 'admin', ok: done, errors: [404] },
    delete: { summary: 'Remove a user from a group (idempotent)', auth: 'admin', ok: done, errors: [404] },
  },
  '/v1/user-pools/{poolId}/sign-up': {
    post: { summary: 'Sign a user up', auth: 'public', body: s.signUpBody, ok: [201, 'Signed up', s.signUpResponse], errors: [404, 409] },
  },
  '/v1/user-pools/{poolId}/confirm-sign-up': {
    post: {
      summary: 'Confirm a sign-up with the code sent to the user',
      auth: 'public',
      body: s.confirmSignUpBody,
      ok: [200, 'Confirmed'],
      errors: [404, 429],
    },
  },
  '/v1/user-pools/{poolId}/resend-confirmation-code': {
    post: {
      summary: 'Send a new sign-up code',
      auth: 'public',
      body: s.usernameBody,
      ok: [200, 'Where the code went', s.deliveryResponse],
      errors: [404, 429],
    },
  },
  '/v1/user-pools/{poolId}/forgot-password': {
    post: {
      summary: 'Send a password reset code',
      auth: 'public',
      body: s.usernameBody,
      ok: [200, 'Where the code went', s.deliveryResponse],
      errors: [404, 429],
    },
  },
  '/v1/user-pools/{poolId}/confirm-forgot-password': {
    post: { summary: 'Set a new password with the reset code', auth: 'public', body: s.confirmForgotPasswordBody, ok: done, errors: [404, 429] },
  },
  '/v1/user-pools/{poolId}/sign-in': {
    post: {
      summary: "Sign in through one of the pool's app clients: tokens, or a challenge",
      auth: 'public',
      body: s.signInBody,
      ok: [200, 'Tokens or a challenge', s.signInResponse],
      errors: [403, 404, 429],
    },
  },
  '/v1/user-pools/{poolId}/sign-in/challenge': {
    post: {
      summary: 'Answer a sign-in challenge (e.g. NEW_PASSWORD_REQUIRED)',
      auth: 'public',
      body: s.challengeBody,
      ok: [200, 'Tokens or the next challenge', s.signInResponse],
      errors: [403, 404],
    },
  },
  '/v1/tokens/refresh': {
    post: { summary: 'New tokens from a refresh token', auth: 'public', body: s.refreshBody, ok: [200, 'Tokens', s.tokensResponse], errors: [403, 404] },
  },
  '/v1/tokens/revoke': {
    post: { summary: 'Revoke a refresh token (and the tokens issued from it)', auth: 'public', body: s.revokeBody, ok: done, errors: [403, 404] },
  },
  '/v1/me': {
    get: {
      summary: 'The access token’s user (attributes the app client may read)',
      auth: 'user',
      ok: [200, 'The user', s.userResponse],
      errors: [403],
      etag: true,
    },
    patch: {
      summary: 'Set own attributes',
      auth: 'user',
      body: s.updateAttributesBody,
      ifMatch: true,
      ok: [200, 'Codes sent for changed contacts', s.deliveryListResponse],
      errors: [403],
    },
    delete: { summary: 'Delete own account', auth: 'user', ok: done, errors: [403] },
  },
  '/v1/me/attributes': { delete: { summary: 'Delete own attributes', auth: 'user', query: s.attributeNamesQuery, ok: done, errors: [403] } },
  '/v1/me/password': { post: { summary: 'Change own password', auth: 'user', body: s.changePasswordBody, ok: done, errors: [403, 429] } },
  '/v1/me/attributes/{name}/verification-code': {
    post: {
      summary: 'Send a code to verify own email or phone number',
      auth: 'user',
      ok: [200, 'Where the code went', s.deliveryResponse],
      errors: [403, 429],
    },
  },
  '/v1/me/attributes/{name}/verify': {
    post: { summary: 'Verify own email or phone number with the code', auth: 'user', body: s.verifyAttributeBody, ok: done, errors: [403, 429] },
  },
  '/v1/me/sign-out': { post: { summary: 'Sign out everywhere', auth: 'user', ok: done, errors: [403] } },
  '/v1/user-pools/{poolId}/signing-keys/rotate': {
    post: {
      summary: "Rotate the pool's token signing key (the new key is published before it signs)",
      auth: 'admin',
      ok: [200, 'The new (or still pending) key id and when it activates'],
      errors: [404],
    },
  },
  '/v1/admin/outbox': {
    get: {
      summary: 'Messages (with codes) sent while no SMTP server is configured; off in production mode',
      auth: 'admin',
      query: s.outboxQuery,
      ok: [200, 'Newest first'],
      errors: [404],
    },
  },
  '/v1/admin/keys': {
    get: { summary: 'Admin access keys (ids and labels, never secrets)', auth: 'admin', ok: [200, 'Keys'] },
    post: { summary: 'Create an admin access key (the secret is in this answer only)', auth: 'admin', body: s.createKeyBody, ok: [201, 'The new key pair'] },
  },
  '/v1/admin/keys/{accessKeyId}': {
    delete: { summary: 'Revoke an admin access key (the last one cannot be revoked)', auth: 'admin', ok: [204, 'Revoked'], errors: [404] },
  },
  '/v1/admin/projections': { get: { summary: 'Projection checkpoints and lag', auth: 'admin', ok: [200, 'Lag per projection'] } },
  '/v1/admin/projections/{name}/rebuild': { post: { summary: 'Drop and replay a read model', auth: 'admin', ok: [202, 'Rebuild started'], errors: [404] } },
  '/{poolId}/.well-known/jwks.json': { get: { summary: "The pool's public signing keys (JWKS)", auth: 'public', ok: [200, 'JWKS'], errors: [404] } },
  '/{poolId}/.well-known/openid-configuration': {
    get: { summary: 'OpenID Connect discovery document', auth: 'public', ok: [200, 'Discovery'], errors: [404] },
  },
  '/health': { get: { summary: 'Liveness', auth: 'public', ok: [200, 'OK'] } },
};

/**
 * The OpenAPI 3.1 document of the REST surface, built from the same zod schemas that validate
 * requests. It is the same at any address (the server is relative: the document is served from
 * the service's root), so the copy in docs/openapi.json is checked against it byte for byte.
 */
export function openApiDocument(_publicBaseUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cairn identity platform REST API',
      version: '1.0.0',
      description:
        'Resource-oriented, versioned (/v1). Errors are RFC 9457 problem details (application/problem+json) whose `code` is the Cognito API exception name. ' +
        'Updates that answer an ETag take If-Match (412 on a stale revision). GraphQL serves the same use cases at /graphql (schema: /schema.graphql).',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: { Problem: jsonSchema(s.problemBody) },
      securitySchemes: {
        adminBasic: { type: 'http', scheme: 'basic', description: 'An admin access key: access key id : secret access key' },
        adminSigV4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: `AWS Signature V4 by an admin access key (AWS4-HMAC-SHA256), signing service \`${REST_SIGNING_SERVICE}\`, any region`,
        },
        userAccessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A user's access token (from sign-in)" },
      },
    },
    paths: Object.fromEntries(
      Object.entries(OPERATIONS).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(path, op!)]))]),
    ),
  };
}
