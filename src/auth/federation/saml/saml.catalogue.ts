import type { CatalogueEntry } from '../../../events/catalogue-entry.js';
import type { SamlAssertionConsumed, SamlSessionEnded, SamlSessionStarted, SamlSigningCertificateCreated } from './saml.events.js';

/** Catalogue entries of the SAML federation events (spread into EVENT_CATALOGUE). */
export const SAML_CATALOGUE: {
  SamlSigningCertificateCreated: CatalogueEntry<SamlSigningCertificateCreated>;
  SamlAssertionConsumed: CatalogueEntry<SamlAssertionConsumed>;
  SamlSessionStarted: CatalogueEntry<SamlSessionStarted>;
  SamlSessionEnded: CatalogueEntry<SamlSessionEnded>;
} = {
  SamlSigningCertificateCreated: {
    stream: 'samlcert-<poolId>',
    description:
      "The pool's SAML signing certificate was made (GetSigningCertificate): it signs AuthnRequests and logout messages and decrypts encrypted assertions. The private key is stored encrypted under the master key.",
    secretFields: ['encryptedPrivateKey'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      certificate: 'MIIC4jCCAcqgAwIBAgIBATANBgkqhkiG9w0BAQsFADA=',
      encryptedPrivateKey: 'v1.iv.body.tag',
      createdAt: '2026-01-01T00:00:00.000Z',
      notAfter: '2036-01-01T00:00:00.000Z',
    },
  },
  SamlAssertionConsumed: {
    stream: 'samlassertion-<poolId>-<key>',
    description:
      'A signed SAML assertion from a SAML identity provider was accepted at /saml2/idpresponse; the same assertion is refused from now on (replay protection).',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      providerName: 'Workforce',
      assertionId: '_a75adf55-01d7-40cc-929f-dbd8372ebdfc',
      issuer: 'https://idp.example.com/metadata',
      notOnOrAfter: '2026-01-01T00:05:00.000Z',
      consumedAt: '2026-01-01T00:00:01.000Z',
      initiatedBy: 'SP',
    },
  },
  SamlSessionStarted: {
    stream: 'samlsubject-<poolId>-<key>',
    description: "A sign-in through a SAML identity provider: the IdP's NameID and SessionIndex behind the sign-in's refresh-token family, for single logout.",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      providerName: 'Workforce',
      familyId: '0192f3b4-7c1d-7e0a-9b2c-3d4e5f607182',
      nameId: 'alice@example.com',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: '_be9967abd904ddcae3c0eb4189adbe3f71e327cf93',
      startedAt: '2026-01-01T00:00:01.000Z',
    },
  },
  SamlSessionEnded: {
    stream: 'samlsubject-<poolId>-<key>',
    description: 'A SAML sign-in ended by single logout: signed out at /logout with a LogoutRequest to the IdP (SP), or by a LogoutRequest from the IdP (IDP).',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', familyId: '0192f3b4-7c1d-7e0a-9b2c-3d4e5f607182', endedAt: '2026-01-01T01:00:00.000Z', by: 'SP' },
  },
};
