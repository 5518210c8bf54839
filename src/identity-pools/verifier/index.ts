/**
 * Verifying requests signed with identity-pool credentials, for resource servers:
 * - `CredentialsVerifier`: asks this service's verification endpoint (the secret stays there);
 * - `parseSignature` / `verifySignature`: SigV4 checks with the AWS SDK's signer, given a secret;
 * - `authorize` / `evaluate` / `parsePolicy`: IAM policy evaluation with principal tags.
 */
export { CredentialsVerifier, type RemoteVerification } from './remote.js';
export { parseSignature, SignatureError, type SignedRequest, verifySignature } from './sigv4.js';
export { authorize, sessionContext, type AccessRequest, type SessionPrincipal } from './authorize.js';
export { evaluate, type AuthorizationRequest, type Decision, type NamedPolicy } from '../policy/evaluate.js';
export { parsePolicy, MalformedPolicyDocumentError, type PolicyDocument } from '../policy/policy-document.js';
