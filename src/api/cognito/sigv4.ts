import { createHash } from 'node:crypto';
import { safeEqual } from '../../crypto/secrets.js';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { CognitoProtocolError } from './cognito-errors.js';

/** AWS accepts a signing time this far from its own clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;
/** Any region name a self-hosted endpoint is signed for (cognito-local users sign with `local`); it names pools and ARNs. */
const REGION = /^[a-z0-9-]+$/;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const Sha256 = Hash.bind(null, 'sha256');

export interface ReceivedRequest {
  method: string;
  /** Path and query as received (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
}

const incomplete = (message: string) => new CognitoProtocolError('IncompleteSignatureException', message);
const invalid = (message: string) => new CognitoProtocolError('InvalidSignatureException', message);
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Verifies an AWS Signature V4 (Authorization header form) by signing the received request
 * again with the caller's secret, using the maintained @smithy signer rather than our own
 * canonicalisation, and comparing the two signatures in constant time.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  service: string,
  secretFor: (accessKeyId: string) => Promise<string | undefined>,
  now = new Date(),
): Promise<VerifiedCaller> {
  // 1. Parse the Authorization header and its credential scope.
  const header = single(request.headers.authorization);
  if (!header) throw new CognitoProtocolError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) throw incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).`);
  const [, credential, signedHeaderList, signature] = match;
  const [accessKeyId, scopeDate, region, scopeService, terminator, ...extra] = credential.split('/');
  if (!accessKeyId || extra.length > 0 || terminator !== 'aws4_request') throw incomplete(`Credential is malformed: ${credential}`);
  if (scopeService !== service) throw invalid(`Credential should be scoped to correct service: '${service}'.`);
  if (!REGION.test(region)) throw invalid(`Credential should be scoped to a valid region.`);
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    throw invalid(`'Host' and 'X-Amz-Date' must be among the signed headers.`);
  }

  // 2. The signing time: well-formed, in the scope, and close to our clock (no old replays).
  const amzDate = single(request.headers['x-amz-date']) ?? '';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw incomplete(`X-Amz-Date must be in the format YYYYMMDD'T'HHMMSS'Z'.`);
  if (scopeDate !== amzDate.slice(0, 8))
    throw invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`);
  // AWS's wording: the SDKs recognise "Signature expired" and retry with a corrected clock.
  if (signingDate.getTime() < now.getTime() - MAX_SKEW_MS) {
    throw invalid(`Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(now.getTime() - MAX_SKEW_MS))} (${toAmzDate(now)} - 5 min.)`);
  }
  if (signingDate.getTime() > now.getTime() + MAX_SKEW_MS) {
    throw invalid(`Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(now.getTime() + MAX_SKEW_MS))} (${toAmzDate(now)} + 5 min.)`);
  }

  // 3. Our keys are long-lived admin keys; temporary credentials are not issued here.
  if (request.headers['x-amz-security-token'] !== undefined) {
    throw new CognitoProtocolError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const secret = await secretFor(accessKeyId);
  if (secret === undefined) throw new CognitoProtocolError('UnrecognizedClientException', 'The security token included in the request is invalid.');

  // 4. The signer trusts x-amz-content-sha256 as the payload hash; it must be the body's.
  const declaredHash = single(request.headers['x-amz-content-sha256']);
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw invalid('The provided x-amz-content-sha256 header does not match what was computed.');
  }

  // 5. Sign the received request again and compare.
  const expected = await expectedSignature(request, signedHeaders, { accessKeyId, secret, region, service, signingDate });
  if (!safeEqual(expected, signature)) throw invalid(MISMATCH);
  return { accessKeyId, region };
}

async function expectedSignature(
  request: ReceivedRequest,
  signedHeaders: string[],
  key: { accessKeyId: string; secret: string; region: string; service: string; signingDate: Date },
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    // x-amz-date is set again by the signer from signingDate; a listed header we did not
    // receive is simply absent, so the signature cannot match.
    if (name === 'x-amz-date') continue;
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [rawPath, rawQuery = ''] = request.url.split('?', 2);
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
    region: key.region,
    service: key.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: 'http:',
      hostname: 'unused',
      path: safeDecode(rawPath),
      query: parseQuery(rawQuery),
      headers,
      body: request.body,
    },
    { signingDate: key.signingDate, signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const prior = query[name];
    query[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return query;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // signs as received; a client that sent this cannot have signed it differently
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
