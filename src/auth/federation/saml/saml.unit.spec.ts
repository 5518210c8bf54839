import { checkAssertion, type AssertionFacts } from './saml-assertion.js';
import { samlAssertionDecider, samlCertificateDecider, samlSessionDecider } from './saml.deciders.js';
import { parseIdpMetadata, SamlMetadataError } from './saml-metadata.js';

const ACS = 'https://cairn.example/auth/shop/saml2/idpresponse';
const IDP = 'https://idp.example/metadata';
const NOW = Date.parse('2026-01-01T00:00:00Z');
const later = (s: number) => new Date(NOW + s * 1000).toISOString();
const rules = {
  acsUrl: ACS,
  idpEntityId: IDP,
  nowMs: NOW,
  clockSkewMs: 60_000,
  unsolicitedMaxAgeMs: 360_000,
  solicitation: { kind: 'SP' as const, requestId: '_r1' },
};
const facts = (over: Partial<AssertionFacts> = {}): AssertionFacts => ({
  id: '_a1',
  issuer: IDP,
  issueInstant: later(-10),
  confirmations: [{ recipient: ACS, inResponseTo: '_r1', notOnOrAfter: later(300) }],
  conditionsNotOnOrAfter: later(200),
  ...over,
});

describe('checkAssertion (the Web Browser SSO profile checks node-saml leaves to the SP)', () => {
  test('given a bearer confirmation for our ACS URL answering our request, when checked, then it passes with the earliest expiry', () => {
    expect(checkAssertion({ inResponseTo: '_r1', destination: ACS, issuer: IDP }, facts(), rules)).toEqual({
      ok: true,
      assertionId: '_a1',
      notOnOrAfter: later(200),
    });
  });

  test.each([
    ['another issuer', {}, { issuer: 'https://evil.example' }, 'the assertion was issued by another entity than the identity provider'],
    ['another destination', { destination: 'https://elsewhere/acs' }, {}, 'the response is meant for another destination'],
    [
      'another recipient',
      {},
      { confirmations: [{ recipient: 'https://elsewhere/acs', notOnOrAfter: later(300) }] },
      'the assertion has no bearer confirmation for this recipient',
    ],
    ['an expired confirmation (beyond the skew)', {}, { confirmations: [{ recipient: ACS, notOnOrAfter: later(-61) }] }, 'the assertion has expired'],
    ['no InResponseTo', { inResponseTo: undefined }, {}, 'the response does not answer this sign-in request (InResponseTo)'],
    [
      'a confirmation answering another request',
      {},
      { confirmations: [{ recipient: ACS, inResponseTo: '_r2', notOnOrAfter: later(300) }] },
      'the assertion does not answer this sign-in request (InResponseTo)',
    ],
    ['no ID', {}, { id: undefined }, 'the assertion has no ID'],
  ])('given %s, when checked, then it is refused with its reason', (_name, envelope, over, reason) => {
    expect(checkAssertion({ inResponseTo: '_r1', ...envelope }, facts(over), rules)).toEqual({ ok: false, reason });
  });

  test('given the skew, when the confirmation ran out 30 s ago, then it still passes', () => {
    expect(checkAssertion({ inResponseTo: '_r1' }, facts({ confirmations: [{ recipient: ACS, notOnOrAfter: later(-30) }] }), rules).ok).toBe(true);
  });

  test('unsolicited: no InResponseTo anywhere and issued within 6 minutes', () => {
    const idp = { ...rules, solicitation: { kind: 'IDP' as const } };
    const unsolicited = facts({ confirmations: [{ recipient: ACS, notOnOrAfter: later(600) }] });
    expect(checkAssertion({}, unsolicited, idp).ok).toBe(true);
    expect(checkAssertion({ inResponseTo: '_r1' }, unsolicited, idp)).toEqual({ ok: false, reason: 'an unsolicited response must not carry InResponseTo' });
    expect(checkAssertion({}, { ...unsolicited, issueInstant: later(-421) }, idp)).toEqual({
      ok: false,
      reason: 'the unsolicited assertion was issued too long ago',
    });
  });
});

describe('SAML deciders', () => {
  const assertion = { poolId: 'p', providerName: 'Corp', assertionId: '_a1', issuer: IDP, consumedAt: later(0), initiatedBy: 'SP' as const };

  test('an assertion is consumed once: the second time is NotAuthorized', () => {
    const events = samlAssertionDecider.decide({ type: 'ConsumeAssertion', assertion }, samlAssertionDecider.initialState());
    expect(events).toEqual([{ type: 'SamlAssertionConsumed', data: assertion }]);
    const state = events.reduce(samlAssertionDecider.evolve, samlAssertionDecider.initialState());
    expect(() => samlAssertionDecider.decide({ type: 'ConsumeAssertion', assertion }, state)).toThrow(
      'Invalid SAML response received: the assertion was used already.',
    );
  });

  test('the certificate is made once: a second creation keeps the first', () => {
    const first = { poolId: 'p', certificate: 'AAA', encryptedPrivateKey: 'v1.x', createdAt: later(0), notAfter: later(10) };
    const state = samlCertificateDecider.decide({ type: 'CreateCertificate', certificate: first }, {}).reduce(samlCertificateDecider.evolve, {});
    expect(samlCertificateDecider.decide({ type: 'CreateCertificate', certificate: { ...first, certificate: 'BBB' } }, state)).toEqual([]);
    expect(state.certificate?.certificate).toBe('AAA');
  });

  test('sessions: started per sign-in, ended once by single logout (unknown families ignored)', () => {
    const session = { poolId: 'p', providerName: 'Corp', familyId: 'f1', nameId: 'alice', startedAt: later(0) };
    let state = samlSessionDecider.initialState();
    state = samlSessionDecider.decide({ type: 'StartSession', session }, state).reduce(samlSessionDecider.evolve, state);
    state = samlSessionDecider.decide({ type: 'StartSession', session: { ...session, familyId: 'f2' } }, state).reduce(samlSessionDecider.evolve, state);
    const ended = samlSessionDecider.decide({ type: 'EndSessions', poolId: 'p', familyIds: ['f1', 'f9'], now: later(5), by: 'IDP' }, state);
    expect(ended).toEqual([{ type: 'SamlSessionEnded', data: { poolId: 'p', familyId: 'f1', endedAt: later(5), by: 'IDP' } }]);
    state = ended.reduce(samlSessionDecider.evolve, state);
    expect(Object.keys(state.open)).toEqual(['f2']);
    expect(samlSessionDecider.decide({ type: 'EndSessions', poolId: 'p', familyIds: ['f1'], now: later(6), by: 'SP' }, state)).toEqual([]);
  });
});

describe('parseIdpMetadata', () => {
  test('refuses what is not IdP metadata, with the reason', () => {
    expect(() => parseIdpMetadata('<x')).toThrow(SamlMetadataError);
    expect(() => parseIdpMetadata('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"/>')).toThrow(
      'no EntityDescriptor with an IDPSSODescriptor',
    );
    expect(() =>
      parseIdpMetadata(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>',
      ),
    ).toThrow('no signing certificate');
  });
});
