import { inflateRawSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { parseIdpMetadata } from '../../src/auth/federation/saml/saml-metadata.js';
import {
  authnRequestUrl,
  logoutRequestUrl,
  type SamlProviderConfig,
  SamlRejectedError,
  spEntityId,
  verifyLogoutRedirect,
  verifyResponse,
} from '../../src/auth/federation/saml/saml-service-provider.js';
import { type SamlIdp, selfSigned, startSamlIdp } from '../fixtures/saml-idp.js';

/** The service provider's checks against a SAML IdP played by the test (signed with xml-crypto), without the rest of the app. */
describe('SAML service provider (node-saml) against a test IdP', () => {
  let idp: SamlIdp;
  let config: SamlProviderConfig;
  const endpoints = { acsUrl: 'http://127.0.0.1:1/auth/d/saml2/idpresponse', logoutUrl: 'http://127.0.0.1:1/auth/d/saml2/logout' };
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = { privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), certificatePem: '' };
  const audience = spEntityId('us-east-1_Test');
  const sp = { kind: 'SP' as const, requestId: '_req1' };

  beforeAll(async () => {
    idp = await startSamlIdp();
    config = {
      poolId: 'us-east-1_Test',
      providerName: 'Corp',
      metadata: parseIdpMetadata(idp.metadata),
      idpInit: false,
      idpSignout: true,
      encryptedResponses: false,
    };
  });
  afterAll(() => idp?.close());

  const base = {
    acsUrl: endpoints.acsUrl,
    audience,
    nameId: 'alice@idp.example',
    inResponseTo: '_req1',
    attributes: { email: 'alice@idp.example', groups: ['a', 'b'] },
  };
  const refusal = async (samlResponse: string, solicitation: Parameters<typeof verifyResponse>[4] = sp) => {
    const error = await verifyResponse(config, endpoints, keys, samlResponse, solicitation, Date.now()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SamlRejectedError);
    return (error as Error).message;
  };

  test('the metadata gives the entity id, the redirect endpoints and the signing certificate', () => {
    expect(config.metadata.entityId).toBe(idp.entityId);
    expect(config.metadata.ssoRedirectUrl).toBe(`${idp.url}/sso`);
    expect(config.metadata.sloRedirectUrl).toBe(`${idp.url}/slo`);
    expect(config.metadata.signingCertificates).toHaveLength(1);
  });

  test('a signed assertion (or a signed response) is accepted, with its subject, attributes and id', async () => {
    for (const sign of ['assertion', 'response', 'both'] as const) {
      const verified = await verifyResponse(config, endpoints, keys, await idp.response({ ...base, sign, sessionIndex: '_sess' }), sp, Date.now());
      expect(verified).toMatchObject({ nameId: 'alice@idp.example', sessionIndex: '_sess', attributes: { email: ['alice@idp.example'], groups: ['a', 'b'] } });
      expect(verified.assertionId).toMatch(/^_/);
    }
  });

  test('unsigned, tampered, foreign-signed, wrong audience, wrong recipient, expired, not answering our request: refused with the reason', async () => {
    expect(await refusal(await idp.response({ ...base, sign: 'none' }))).toBe('the signature is not valid');
    expect(
      await refusal(await idp.response({ ...base, tamper: (xml) => xml.replace('alice@idp.example</saml:NameID>', 'mallory@idp.example</saml:NameID>') })),
    ).toBe('the signature is not valid');
    expect(await refusal(await idp.response({ ...base, foreignKey: true }))).toBe('the signature is not valid');
    expect(await refusal(await idp.response({ ...base, audience: 'urn:amazon:cognito:sp:us-east-1_Other' }))).toBe(
      'the assertion is meant for another audience',
    );
    expect(await refusal(await idp.response({ ...base, acsUrl: 'http://elsewhere.example/saml2/idpresponse' }))).toBe(
      'the response is meant for another destination',
    );
    expect(await refusal(await idp.response({ ...base, validForSeconds: -120, issuedSecondsAgo: 600 }))).toBe('the assertion has expired');
    expect(await refusal(await idp.response({ ...base, inResponseTo: '_someone-elses' }))).toBe(
      'the response does not answer this sign-in request (InResponseTo)',
    );
  });

  test('the time checks use the given time (the service clock), not the wall clock: an assertion of two hours ago is valid then, refused now', async () => {
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    // Issued 2 h 1 min ago, valid for 3 minutes: its window (Conditions and bearer confirmation) ended about 1 h 58 min ago.
    const old = await idp.response({ ...base, issuedSecondsAgo: 2 * 3600 + 60, validForSeconds: -(2 * 3600 - 120) });
    await expect(verifyResponse(config, endpoints, keys, old, sp, twoHoursAgo)).resolves.toMatchObject({ nameId: 'alice@idp.example' });
    expect(await refusal(old)).toBe('the assertion has expired');
    // Issued now: not valid yet two hours ago (Conditions NotBefore, beyond the accepted skew).
    const fresh = await idp.response(base);
    await expect(verifyResponse(config, endpoints, keys, fresh, sp, twoHoursAgo)).rejects.toThrow('the assertion is not valid yet');
    // Within the accepted skew (60 s) either side, accepted.
    await expect(verifyResponse(config, endpoints, keys, await idp.response(base), sp, Date.now() - 50_000)).resolves.toBeDefined();
  });

  test('unsolicited: accepted without InResponseTo when fresh; with InResponseTo, or older than 6 minutes, refused', async () => {
    const unsolicited = { ...base, inResponseTo: undefined };
    await expect(verifyResponse(config, endpoints, keys, await idp.response(unsolicited), { kind: 'IDP' }, Date.now())).resolves.toMatchObject({
      nameId: 'alice@idp.example',
    });
    expect(await refusal(await idp.response(base), { kind: 'IDP' })).toBe('an unsolicited response must not carry InResponseTo');
    expect(await refusal(await idp.response({ ...unsolicited, issuedSecondsAgo: 420, validForSeconds: 600 }), { kind: 'IDP' })).toBe(
      'the unsolicited assertion was issued too long ago',
    );
  });

  test('AuthnRequest by redirect: to the SSO URL with RelayState, our id and ACS URL; signed only when asked', async () => {
    const plain = new URL(await authnRequestUrl(config, endpoints, keys, '_abc', 'relay-1'));
    expect(plain.origin + plain.pathname).toBe(`${idp.url}/sso`);
    expect(plain.searchParams.get('RelayState')).toBe('relay-1');
    expect(plain.searchParams.has('Signature')).toBe(false);
    const xml = inflateRawSync(Buffer.from(plain.searchParams.get('SAMLRequest')!, 'base64')).toString();
    expect(xml).toContain('ID="_abc"');
    expect(xml).toContain(`AssertionConsumerServiceURL="${endpoints.acsUrl}"`);
    expect(xml).toContain(audience);
    const signed = new URL(await authnRequestUrl({ ...config, requestSigningAlgorithm: 'rsa-sha256' }, endpoints, keys, '_abc', 'relay-1'));
    expect(signed.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(signed.searchParams.has('Signature')).toBe(true);
  });

  test('logout: a signed LogoutRequest to the SLO URL; an IdP LogoutRequest verified by its signature, a tampered one refused', async () => {
    const url = new URL(await logoutRequestUrl(config, endpoints, keys, { nameId: 'alice@idp.example', sessionIndex: '_s' }, 'r'));
    expect(url.origin + url.pathname).toBe(`${idp.url}/slo`);
    expect(url.searchParams.has('Signature')).toBe(true);
    const incoming = new URL(idp.logoutRequestUrl(endpoints.logoutUrl, 'alice@idp.example', '_s', 'back'));
    const raw = incoming.search.slice(1);
    const query = Object.fromEntries(incoming.searchParams);
    await expect(verifyLogoutRedirect(config, endpoints, keys, query, raw)).resolves.toMatchObject({
      kind: 'request',
      subject: { nameId: 'alice@idp.example', sessionIndex: '_s' },
    });
    const forged = { ...query, RelayState: 'elsewhere' };
    await expect(verifyLogoutRedirect(config, endpoints, keys, forged, raw.replace('RelayState=back', 'RelayState=elsewhere'))).rejects.toBeInstanceOf(
      SamlRejectedError,
    );
  });
  test('EncryptedResponses: an assertion encrypted to the pool certificate is decrypted and verified; unencrypted or for another key, refused', async () => {
    const sp = await selfSigned('sp');
    const spKeys = { privateKeyPem: sp.keyPem, certificatePem: sp.certPem };
    const encrypted = { ...config, encryptedResponses: true };
    const verified = await verifyResponse(
      encrypted,
      endpoints,
      spKeys,
      await idp.response({ ...base, encryptTo: sp.certPem }),
      { kind: 'SP', requestId: '_req1' },
      Date.now(),
    );
    expect(verified.nameId).toBe('alice@idp.example');
    await expect(verifyResponse(encrypted, endpoints, spKeys, await idp.response(base), { kind: 'SP', requestId: '_req1' }, Date.now())).rejects.toThrow(
      'the assertion must be encrypted',
    );
    const other = await selfSigned('other');
    await expect(
      verifyResponse(encrypted, endpoints, spKeys, await idp.response({ ...base, encryptTo: other.certPem }), { kind: 'SP', requestId: '_req1' }, Date.now()),
    ).rejects.toBeInstanceOf(SamlRejectedError);
    await expect(
      verifyResponse(config, endpoints, spKeys, await idp.response({ ...base, encryptTo: sp.certPem }), { kind: 'SP', requestId: '_req1' }, Date.now()),
    ).rejects.toThrow('the identity provider is not configured for encrypted responses');
  });
});
