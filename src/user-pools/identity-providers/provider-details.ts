import { InvalidParameterError } from '../../shared/domain-error.js';
import type { IdentityProviderType } from './identity-provider.events.js';

/**
 * ProviderDetails as Cognito checks and completes them on Create/UpdateIdentityProvider (pure:
 * no I/O; OIDC discovery happens at sign-in). The keys each type takes, the ones it requires,
 * the endpoints Cognito fills in for the social presets (each overridable, so a deployment or a
 * test can point a preset at another server), and which keys are secrets.
 */
export const PROVIDER_TYPES: readonly IdentityProviderType[] = ['SAML', 'Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple', 'OIDC'];
export const SOCIAL_TYPES: readonly IdentityProviderType[] = ['Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple'];

/** Keys kept encrypted (sealedDetails), never in an event's clear data. */
export const SECRET_DETAIL_KEYS: ReadonlySet<string> = new Set(['client_secret', 'private_key']);

const ENDPOINT_KEYS = ['authorize_url', 'token_url', 'attributes_url', 'jwks_uri', 'oidc_issuer', 'token_request_method', 'attributes_url_add_attributes'];

interface TypeRule {
  required: readonly string[];
  optional: readonly string[];
  /** Cognito's values for the preset's endpoints (given keys win). */
  defaults: (details: Record<string, string>) => Record<string, string>;
}

const FACEBOOK_API_VERSION = 'v17.0';

const RULES: Record<IdentityProviderType, TypeRule> = {
  Google: {
    required: ['client_id', 'client_secret', 'authorize_scopes'],
    optional: ENDPOINT_KEYS,
    defaults: () => ({
      attributes_url: 'https://people.googleapis.com/v1/people/me?personFields=',
      attributes_url_add_attributes: 'true',
      authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      oidc_issuer: 'https://accounts.google.com',
      token_request_method: 'POST',
      token_url: 'https://www.googleapis.com/oauth2/v4/token',
    }),
  },
  Facebook: {
    required: ['client_id', 'client_secret', 'authorize_scopes'],
    optional: ['api_version', ...ENDPOINT_KEYS],
    defaults: (d) => {
      const v = d.api_version ?? FACEBOOK_API_VERSION;
      return {
        api_version: v,
        attributes_url: `https://graph.facebook.com/${v}/me?fields=`,
        attributes_url_add_attributes: 'true',
        authorize_url: `https://www.facebook.com/${v}/dialog/oauth`,
        token_request_method: 'GET',
        token_url: `https://graph.facebook.com/${v}/oauth/access_token`,
      };
    },
  },
  LoginWithAmazon: {
    required: ['client_id', 'client_secret', 'authorize_scopes'],
    optional: ENDPOINT_KEYS,
    defaults: () => ({
      attributes_url: 'https://api.amazon.com/user/profile',
      attributes_url_add_attributes: 'false',
      authorize_url: 'https://www.amazon.com/ap/oa',
      token_request_method: 'POST',
      token_url: 'https://api.amazon.com/auth/o2/token',
    }),
  },
  SignInWithApple: {
    required: ['client_id', 'team_id', 'key_id', 'private_key', 'authorize_scopes'],
    optional: ENDPOINT_KEYS,
    defaults: () => ({
      attributes_url_add_attributes: 'false',
      authorize_url: 'https://appleid.apple.com/auth/authorize',
      oidc_issuer: 'https://appleid.apple.com',
      token_request_method: 'POST',
      token_url: 'https://appleid.apple.com/auth/token',
    }),
  },
  OIDC: {
    required: ['client_id', 'attributes_request_method', 'oidc_issuer', 'authorize_scopes'],
    optional: ['client_secret', 'authorize_url', 'token_url', 'attributes_url', 'jwks_uri', 'attributes_url_add_attributes'],
    defaults: () => ({ attributes_url_add_attributes: 'false' }),
  },
  SAML: {
    required: [],
    optional: ['MetadataFile', 'MetadataURL', 'IDPSignout', 'IDPInit', 'EncryptedResponses', 'RequestSigningAlgorithm'],
    defaults: () => ({}),
  },
};

/** Cognito's default AttributeMapping: the IdP's subject attribute as `username`. */
export function defaultAttributeMapping(type: IdentityProviderType): Record<string, string> {
  switch (type) {
    case 'Facebook':
      return { username: 'id' };
    case 'LoginWithAmazon':
      return { username: 'user_id' };
    case 'SAML':
      return {};
    default:
      return { username: 'sub' };
  }
}

function checkUrl(key: string, value: string): void {
  const url = URL.parse(value);
  const loopback = url !== null && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new InvalidParameterError(`${key} must be an https URL: ${value}`);
  }
}

const BOOLEAN_KEYS = ['IDPSignout', 'IDPInit', 'EncryptedResponses', 'attributes_url_add_attributes'];
const URL_KEYS = ['authorize_url', 'token_url', 'attributes_url', 'jwks_uri', 'oidc_issuer', 'MetadataURL'];

/**
 * SAML metadata as Cognito takes it in a MetadataFile: an XML document whose root element is an
 * EntityDescriptor (any namespace prefix). The SAML side parses it further (keys, endpoints).
 */
export function checkSamlMetadata(xml: string): void {
  const body = xml
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .trimStart();
  if (!/^<(?:[A-Za-z_][\w.-]*:)?EntityDescriptor[\s>/]/.test(body) || !/<\/(?:[A-Za-z_][\w.-]*:)?EntityDescriptor\s*>\s*$/.test(body.trimEnd())) {
    throw new InvalidParameterError('Invalid SAML metadata: MetadataFile must be an XML document with an EntityDescriptor root element');
  }
}

/**
 * The complete ProviderDetails of a provider of `type` (preset endpoints filled in), checked as
 * Cognito checks them: only the type's keys, the required ones present and not empty, booleans
 * as "true" / "false", URLs absolute, OIDC's attributes_request_method GET or POST, SAML with
 * exactly one of MetadataFile and MetadataURL.
 */
export function completeProviderDetails(type: IdentityProviderType, given: Record<string, string>): Record<string, string> {
  const rule = RULES[type];
  const known = new Set([...rule.required, ...rule.optional]);
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new InvalidParameterError(`${key} is not a valid ProviderDetails key for provider type ${type}`);
  }
  for (const key of rule.required) {
    if (!given[key]?.trim()) throw new InvalidParameterError(`${key} is required in ProviderDetails for provider type ${type}`);
  }
  const details = { ...rule.defaults(given), ...given };
  for (const key of BOOLEAN_KEYS) {
    if (details[key] !== undefined && details[key] !== 'true' && details[key] !== 'false') {
      throw new InvalidParameterError(`${key} must be true or false`);
    }
  }
  for (const key of URL_KEYS) if (given[key] !== undefined) checkUrl(key, given[key]);
  if (type === 'OIDC' && !['GET', 'POST'].includes(details.attributes_request_method)) {
    throw new InvalidParameterError('attributes_request_method must be GET or POST');
  }
  if (details.token_request_method !== undefined && !['GET', 'POST'].includes(details.token_request_method)) {
    throw new InvalidParameterError('token_request_method must be GET or POST');
  }
  if (type === 'SAML') {
    const file = details.MetadataFile;
    const url = details.MetadataURL;
    if ((file === undefined) === (url === undefined))
      throw new InvalidParameterError('Exactly one of MetadataFile or MetadataURL is required for provider type SAML');
    if (file !== undefined) checkSamlMetadata(file);
    if (details.RequestSigningAlgorithm !== undefined && details.RequestSigningAlgorithm !== 'rsa-sha256') {
      throw new InvalidParameterError('RequestSigningAlgorithm must be rsa-sha256');
    }
  }
  return details;
}

/** Splits details into what an event may carry in clear and the secrets to seal. */
export function splitSecrets(details: Record<string, string>): { clear: Record<string, string>; secrets: Record<string, string> } {
  const clear: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(details)) (SECRET_DETAIL_KEYS.has(key) ? secrets : clear)[key] = value;
  return { clear, secrets };
}

/**
 * Cognito's rule on names: a social provider is named as its type ("Google" of type Google), and
 * no other provider may take one of those names.
 */
export function checkProviderName(name: string, type: IdentityProviderType): void {
  const social = SOCIAL_TYPES.find((t) => t === name);
  if ((SOCIAL_TYPES.includes(type) && name !== type) || (social !== undefined && social !== type)) {
    throw new InvalidParameterError(`Provider ${name} cannot be of type ${type}.`);
  }
  if (name.toLowerCase() === 'cognito') throw new InvalidParameterError(`Provider ${name} cannot be of type ${type}.`);
}
