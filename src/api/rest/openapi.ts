import { z } from 'zod';
import {
  confirmSignUpBody,
  createUserPoolBody,
  errorBody,
  listUsersQuery,
  outboxQuery,
  signUpBody,
  signUpResponse,
  userPageResponse,
  userPoolResponse,
} from './schemas.js';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const errors = {
  '400': { description: 'Invalid input (typed error code)', content: json(errorBody) },
  '404': { description: 'Unknown resource', content: json(errorBody) },
};
const admin = [{ adminKey: [] }];
/** What every admin route answers without valid admin credentials. */
const unauthenticated = { '401': { description: 'Missing or invalid admin credentials', content: json(errorBody) } };
const queryParams = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }),
  }));
const poolId = { name: 'poolId', in: 'path', required: true, schema: { type: 'string' } };

/** The OpenAPI 3.1 document of the REST surface, built from the same zod schemas that validate requests. */
export function openApiDocument(baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Cairn identity platform REST API', version: '0.1.0' },
    servers: [{ url: baseUrl }],
    components: { securitySchemes: { adminKey: { type: 'http', scheme: 'basic', description: 'admin access key id : secret' } } },
    paths: {
      '/v1/user-pools': {
        post: {
          summary: 'Create a user pool',
          security: admin,
          requestBody: { required: true, content: json(createUserPoolBody) },
          responses: { ...unauthenticated, '201': { description: 'Created', content: json(userPoolResponse) }, ...errors },
        },
      },
      '/v1/user-pools/{poolId}': {
        get: { summary: 'Describe a user pool', security: admin, parameters: [poolId], responses: { ...unauthenticated, '200': { description: 'The pool', content: json(userPoolResponse) }, ...errors } },
      },
      '/v1/user-pools/{poolId}/sign-up': {
        post: {
          summary: 'Sign a user up (public)',
          parameters: [poolId],
          requestBody: { required: true, content: json(signUpBody) },
          responses: { '201': { description: 'Signed up', content: json(signUpResponse) }, '409': { description: 'Username exists', content: json(errorBody) }, ...errors },
        },
      },
      '/v1/user-pools/{poolId}/confirm-sign-up': {
        post: {
          summary: 'Confirm a sign-up with the code sent to the user (public)',
          parameters: [poolId],
          requestBody: { required: true, content: json(confirmSignUpBody) },
          responses: { '200': { description: 'Confirmed' }, '429': { description: 'Too many failed attempts', content: json(errorBody) }, ...errors },
        },
      },
      '/v1/user-pools/{poolId}/users': {
        get: {
          summary: 'List users (filter by username or email prefix; paginated)',
          security: admin,
          parameters: [poolId, ...queryParams(listUsersQuery)],
          responses: { ...unauthenticated, '200': { description: 'A page of users', content: json(userPageResponse) }, ...errors },
        },
      },
      '/v1/user-pools/{poolId}/signing-keys/rotate': {
        post: {
          summary: "Rotate the pool's token signing key (the new key is published before it signs)",
          security: admin,
          parameters: [poolId],
          responses: { ...unauthenticated, '200': { description: 'The new (or still pending) key id and when it activates' }, ...errors },
        },
      },
      '/{poolId}/.well-known/jwks.json': { get: { summary: "The pool's public signing keys (JWKS)", parameters: [poolId], responses: { '200': { description: 'JWKS' }, ...errors } } },
      '/{poolId}/.well-known/openid-configuration': { get: { summary: 'OpenID Connect discovery document', parameters: [poolId], responses: { '200': { description: 'Discovery' }, ...errors } } },
      '/v1/admin/outbox': {
        get: {
          summary: 'Messages (with codes) sent while no SMTP server is configured; off in production mode',
          security: admin,
          parameters: queryParams(outboxQuery),
          responses: { ...unauthenticated, '200': { description: 'Newest first' }, ...errors },
        },
      },
      '/v1/admin/keys': {
        get: { summary: 'Admin access keys (ids and labels, never secrets)', security: admin, responses: { ...unauthenticated, '200': { description: 'Keys' } } },
        post: { summary: 'Create an admin access key (the secret is in this answer only)', security: admin, responses: { ...unauthenticated, '201': { description: 'The new key pair' } } },
      },
      '/v1/admin/keys/{accessKeyId}': {
        delete: {
          summary: 'Revoke an admin access key (the last one cannot be revoked)',
          security: admin,
          parameters: [{ name: 'accessKeyId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...unauthenticated, '204': { description: 'Revoked' }, ...errors },
        },
      },
      '/v1/admin/projections': { get: { summary: 'Projection checkpoints and lag', security: admin, responses: { ...unauthenticated, '200': { description: 'Lag per projection' } } } },
      '/v1/admin/projections/{name}/rebuild': {
        post: {
          summary: 'Drop and replay a read model',
          security: admin,
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...unauthenticated, '202': { description: 'Rebuild started' }, ...errors },
        },
      },
      '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'OK' } } } },
    },
  };
}
