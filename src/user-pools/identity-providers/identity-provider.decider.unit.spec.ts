import { fold } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { STANDARD_SCHEMA } from '../schema.js';
import { mapAttributes } from './attribute-mapping.js';
import {
  DuplicateProviderError,
  findByIdentifier,
  type IdentityProviderCommand,
  identityProviderDecider,
  MAX_IDENTITY_PROVIDERS,
} from './identity-provider.decider.js';
import type { IdentityProviderEvent } from './identity-provider.events.js';
import { checkProviderName, checkSamlMetadata, completeProviderDetails, defaultAttributeMapping, splitSecrets } from './provider-details.js';

const NOW = '2026-01-01T00:00:00.000Z';
const decide = (given: IdentityProviderEvent[], command: IdentityProviderCommand) => () =>
  identityProviderDecider.decide(command, fold(identityProviderDecider, given));
const settings = (idpIdentifiers: string[] = []) => ({
  details: { client_id: 'c' },
  sealedDetails: { client_secret: 'sealed' },
  attributeMapping: { username: 'sub' },
  idpIdentifiers,
});
const create = (name: string, idpIdentifiers: string[] = []): IdentityProviderCommand => ({
  type: 'CreateIdentityProvider',
  poolId: 'p1',
  name,
  providerType: 'OIDC',
  settings: settings(idpIdentifiers),
  now: NOW,
});
const made = (name: string, idpIdentifiers: string[] = []): IdentityProviderEvent => ({
  type: 'IdentityProviderCreated',
  data: { poolId: 'p1', providerName: name, providerType: 'OIDC', ...settings(idpIdentifiers), at: NOW },
});
const METADATA = '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp"></md:EntityDescriptor>';

describe('identity provider decider', () => {
  test('given no provider, when one is created, then it is recorded with its settings', () => {
    expect(decide([], create('Corp', ['example.com']))()).toEqual([made('Corp', ['example.com'])]);
    const state = fold(identityProviderDecider, [made('Corp', ['example.com'])]);
    expect(state.providers.map((p) => [p.name, p.type, p.createdAt])).toEqual([['Corp', 'OIDC', NOW]]);
  });

  test('given a provider, when another takes its name or one of its identifiers, then DuplicateProviderException', () => {
    expect(decide([made('Corp')], create('Corp'))).toThrow(DuplicateProviderError);
    expect(decide([made('Corp')], create('Corp'))).toThrow('Corp already exists in user pool p1');
    expect(decide([made('Corp', ['example.com'])], create('Other', ['EXAMPLE.com']))).toThrow(DuplicateProviderError);
    expect(decide([], create('Other', ['a.com', 'A.com']))).toThrow(InvalidParameterError);
    expect(new DuplicateProviderError('x').code).toBe('DuplicateProviderException');
  });

  test('given the quota reached, when one more is created, then LimitExceededException', () => {
    const many = Array.from({ length: MAX_IDENTITY_PROVIDERS }, (_, i) => made(`P${i}`));
    expect(decide(many, create('OneMore'))).toThrow(LimitExceededError);
  });

  test('update replaces the settings given and keeps its own identifiers; an unknown provider is ResourceNotFoundException', () => {
    const update: IdentityProviderCommand = {
      type: 'UpdateIdentityProvider',
      poolId: 'p1',
      name: 'Corp',
      settings: settings(['example.com', 'b.com']),
      now: NOW,
    };
    const events = decide([made('Corp', ['example.com'])], update)();
    expect(events).toEqual([{ type: 'IdentityProviderUpdated', data: { providerName: 'Corp', ...settings(['example.com', 'b.com']), at: NOW } }]);
    const state = fold(identityProviderDecider, [made('Corp', ['example.com']), ...events]);
    expect(findByIdentifier(state, 'B.COM')?.name).toBe('Corp');
    expect(decide([made('Corp'), made('Other', ['b.com'])], update)).toThrow(DuplicateProviderError);
    expect(decide([], update)).toThrow(ResourceNotFoundError);
  });

  test('delete frees the name and the identifiers', () => {
    const deleted: IdentityProviderEvent = { type: 'IdentityProviderDeleted', data: { providerName: 'Corp', at: NOW } };
    expect(decide([made('Corp', ['x.com'])], { type: 'DeleteIdentityProvider', name: 'Corp', now: NOW })()).toEqual([deleted]);
    expect(decide([made('Corp', ['x.com']), deleted], create('Corp', ['x.com']))()).toHaveLength(1);
    expect(decide([], { type: 'DeleteIdentityProvider', name: 'Corp', now: NOW })).toThrow('Identity provider Corp does not exist.');
  });
});

describe('provider details', () => {
  test('OIDC needs client_id, attributes_request_method, oidc_issuer and authorize_scopes', () => {
    const ok = { client_id: 'c', client_secret: 's', attributes_request_method: 'GET', oidc_issuer: 'https://idp.example.com', authorize_scopes: 'openid' };
    expect(completeProviderDetails('OIDC', ok)).toEqual({ ...ok, attributes_url_add_attributes: 'false' });
    expect(() => completeProviderDetails('OIDC', { ...ok, oidc_issuer: '' })).toThrow(InvalidParameterError);
    expect(() => completeProviderDetails('OIDC', { ...ok, attributes_request_method: 'PUT' })).toThrow('attributes_request_method must be GET or POST');
    expect(() => completeProviderDetails('OIDC', { ...ok, oidc_issuer: 'http://idp.example.com' })).toThrow(/https/);
    expect(completeProviderDetails('OIDC', { ...ok, oidc_issuer: 'http://127.0.0.1:4000' }).oidc_issuer).toBe('http://127.0.0.1:4000');
    expect(() => completeProviderDetails('OIDC', { ...ok, team_id: 'x' })).toThrow(/not a valid ProviderDetails key/);
  });

  test('the social presets get Cognito’s endpoints, each of which can be pointed elsewhere', () => {
    const google = completeProviderDetails('Google', { client_id: 'c', client_secret: 's', authorize_scopes: 'openid email' });
    expect(google).toMatchObject({
      authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      oidc_issuer: 'https://accounts.google.com',
      token_request_method: 'POST',
    });
    const local = completeProviderDetails('Google', {
      client_id: 'c',
      client_secret: 's',
      authorize_scopes: 'openid',
      authorize_url: 'http://127.0.0.1:4000/auth',
      token_url: 'http://127.0.0.1:4000/token',
      oidc_issuer: 'http://127.0.0.1:4000',
    });
    expect(local).toMatchObject({
      authorize_url: 'http://127.0.0.1:4000/auth',
      token_url: 'http://127.0.0.1:4000/token',
      oidc_issuer: 'http://127.0.0.1:4000',
    });
    expect(completeProviderDetails('Facebook', { client_id: 'c', client_secret: 's', authorize_scopes: 'email' }).authorize_url).toBe(
      'https://www.facebook.com/v17.0/dialog/oauth',
    );
    expect(() => completeProviderDetails('SignInWithApple', { client_id: 'c', team_id: 't', key_id: 'k', authorize_scopes: 'email' })).toThrow(/private_key/);
    expect(() => completeProviderDetails('LoginWithAmazon', { client_id: 'c', authorize_scopes: 'profile' })).toThrow(/client_secret/);
  });

  test('SAML takes exactly one of MetadataFile (an EntityDescriptor document) and MetadataURL', () => {
    expect(completeProviderDetails('SAML', { MetadataFile: METADATA, IDPSignout: 'true' })).toEqual({ MetadataFile: METADATA, IDPSignout: 'true' });
    expect(completeProviderDetails('SAML', { MetadataURL: 'https://idp.example.com/metadata' })).toEqual({ MetadataURL: 'https://idp.example.com/metadata' });
    expect(() => completeProviderDetails('SAML', {})).toThrow(/Exactly one of MetadataFile or MetadataURL/);
    expect(() => completeProviderDetails('SAML', { MetadataFile: METADATA, MetadataURL: 'https://idp/m' })).toThrow(/Exactly one/);
    expect(() => completeProviderDetails('SAML', { MetadataFile: 'not xml' })).toThrow(/EntityDescriptor/);
    expect(() => completeProviderDetails('SAML', { MetadataFile: METADATA, IDPInit: 'yes' })).toThrow('IDPInit must be true or false');
    expect(() => completeProviderDetails('SAML', { MetadataFile: METADATA, RequestSigningAlgorithm: 'rsa-sha1' })).toThrow(/rsa-sha256/);
    expect(() => checkSamlMetadata('<EntitiesDescriptor></EntitiesDescriptor>')).toThrow(InvalidParameterError);
    expect(() => checkSamlMetadata('<!-- x --><EntityDescriptor entityID="a"/>')).toThrow(InvalidParameterError);
    expect(() => checkSamlMetadata('<!-- x --><EntityDescriptor entityID="a"></EntityDescriptor>\n')).not.toThrow();
  });

  test('secrets are split off; names of social providers are their types', () => {
    expect(splitSecrets({ client_id: 'c', client_secret: 's', private_key: 'k' })).toEqual({
      clear: { client_id: 'c' },
      secrets: { client_secret: 's', private_key: 'k' },
    });
    expect(() => checkProviderName('MyGoogle', 'Google')).toThrow('Provider MyGoogle cannot be of type Google.');
    expect(() => checkProviderName('Google', 'OIDC')).toThrow('Provider Google cannot be of type OIDC.');
    expect(() => checkProviderName('Google', 'Google')).not.toThrow();
    expect(() => checkProviderName('Corp', 'SAML')).not.toThrow();
    expect(defaultAttributeMapping('Facebook')).toEqual({ username: 'id' });
    expect(defaultAttributeMapping('SAML')).toEqual({});
  });
});

describe('attribute mapping', () => {
  test('maps IdP attributes onto the pool schema, as text; username and unknown attributes are left out', () => {
    const mapped = mapAttributes(
      { username: 'sub', email: 'mail', email_verified: 'verified', name: 'names', address: 'addr', 'custom:tier': 'tier', nothing: 'x' },
      { sub: '1', mail: 'a@example.com', verified: true, names: ['Ann', 'Lee'], addr: { locality: 'Oslo' }, x: 'y' },
      STANDARD_SCHEMA,
    );
    expect(mapped).toEqual({ email: 'a@example.com', email_verified: 'true', name: 'Ann,Lee', address: '{"locality":"Oslo"}' });
  });
});
