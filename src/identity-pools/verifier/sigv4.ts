import { createHash } from 'node:crypto';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { safeEqual } from '../../crypto/secrets.js';
import { DomainError } from '../../shared/domain-error.js';

/** A request as a resource server received it: method, path and query as sent, headers, body bytes. */
export interface SignedRequest {
  method: string;
  /** Path and query as received (still percent-encoded). */
  url: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body?: Uint8Array | string;
}

export interface SignatureParts {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  signingDate: Date;
  sessionToken?: string;
}

/** AWS's names for a refused signature (as STS-issued credentials are refused by AWS services). */
export class SignatureError extends DomainError {
  readonly status = 403;
  constructor(
    readonly code: 'IncompleteSignature' | 'SignatureDoesNotMatch' | 'InvalidClientTokenId' | 'ExpiredToken' | 'RequestExpired' | 'MissingAuthenticationToken',
    message: string,
  ) {
    super(message);
  }
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS accepts a signing time this far from its own clock. */
export const MAX_SKEW_MS = 5 * 60 * 1000;
const Sha256 = Hash.bind(null, 'sha256');

/** Reads the Authorization header's credential scope, signed headers and signature, and the session token. */
export function parseSignature(request: SignedRequest): SignatureParts {
  const header = single(request.headers.authorization);
  if (!header) throw new SignatureError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const match = AUTHORIZATION.exec(header.trim());
  if (!match)
    throw new SignatureError(
      'IncompleteSignature',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).",
    );
  const [, credential, signedHeaderList, signature] = match;
  const [accessKeyId, scopeDate, region, service, terminator, ...extra] = credential.split('/');
  if (!accessKeyId || !region || !service || terminator !== 'aws4_request' || extra.length > 0) {
    throw new SignatureError('IncompleteSignature', `Credential is malformed: ${credential}`);
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    throw new SignatureError('SignatureDoesNotMatch', "'Host' and 'X-Amz-Date' must be among the signed headers.");
  }
  const amzDate = single(request.headers['x-amz-date']) ?? '';
  const m = AMZ_DATE.exec(amzDate);
  if (!m || scopeDate !== amzDate.slice(0, 8))
    throw new SignatureError('IncompleteSignature', "X-Amz-Date must be in the format YYYYMMDD'T'HHMMSS'Z' and match the credential scope.");
  const signingDate = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  const sessionToken = single(request.headers['x-amz-security-token']);
  if (sessionToken !== undefined && !signedHeaders.includes('x-amz-security-token')) {
    throw new SignatureError('SignatureDoesNotMatch', 'The session token must be among the signed headers.');
  }
  return { accessKeyId, region, service, signedHeaders, signature, signingDate, ...(sessionToken !== undefined ? { sessionToken } : {}) };
}

/**
 * Whether the request carries a valid signature by `secret`: the signing time within five
 * minutes of `now`, the declared payload hash the body's, and the request signed again with the
 * AWS SDK's own signer (@smithy/signature-v4) giving the same signature (compared in constant time).
 */
export async function verifySignature(request: SignedRequest, parts: SignatureParts, secret: string, now: Date): Promise<void> {
  const skew = parts.signingDate.getTime() - now.getTime();
  if (Math.abs(skew) > MAX_SKEW_MS) throw new SignatureError('RequestExpired', 'Request has expired (signing time more than 5 minutes from the server time).');
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const declared = single(request.headers['x-amz-content-sha256']);
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== createHash('sha256').update(body).digest('hex')) {
    throw new SignatureError('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const headers: Record<string, string> = {};
  for (const name of parts.signedHeaders) {
    if (name === 'x-amz-date') continue; // set again by the signer from signingDate
    const value = request.headers[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(',');
  }
  const [rawPath, rawQuery = ''] = request.url.split('?', 2);
  const signer = new SignatureV4({
    credentials: { accessKeyId: parts.accessKeyId, secretAccessKey: secret, ...(parts.sessionToken ? { sessionToken: parts.sessionToken } : {}) },
    region: parts.region,
    service: parts.service,
    sha256: Sha256,
    applyChecksum: false,
    // The path arrives percent-encoded, as the client's signer saw it: S3 signs it as it is,
    // every other service encodes it once more (the SDKs' own rule).
    uriEscapePath: parts.service !== 's3',
  });
  const signed = await signer.sign(
    { method: request.method.toUpperCase(), protocol: 'https:', hostname: 'unused', path: rawPath, query: parseQuery(rawQuery), headers, body },
    { signingDate: parts.signingDate, signableHeaders: new Set(parts.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!safeEqual(expected, parts.signature)) {
    throw new SignatureError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const prior = query[name];
    query[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return query;
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
