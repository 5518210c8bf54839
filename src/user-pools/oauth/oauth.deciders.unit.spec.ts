import { fold } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { defaultClientSettings } from '../clients/client-defaults.js';
import { checkOAuthSettings, InvalidOAuthFlowError, ScopeDoesNotExistError } from '../clients/client-oauth.js';
import { type DomainCommand, domainDecider } from './domain.decider.js';
import type { UserPoolDomainEvent } from './domain.events.js';
import { customScopes, MAX_RESOURCE_SERVERS, type ResourceServerCommand, resourceServerDecider } from './resource-server.decider.js';
import type { ResourceServerEvent } from './resource-server.events.js';

const NOW = '2026-01-01T00:00:00.000Z';
const domain = (given: UserPoolDomainEvent[], command: DomainCommand) => () => domainDecider.decide(command, fold(domainDecider, given));
const servers = (given: ResourceServerEvent[], command: ResourceServerCommand) => () =>
  resourceServerDecider.decide(command, fold(resourceServerDecider, given));
const created: UserPoolDomainEvent = { type: 'UserPoolDomainCreated', data: { poolId: 'p1', domain: 'shop', managedLoginVersion: 1, createdAt: NOW } };

describe('pool domain decider', () => {
  test('a prefix domain is created once per pool; the name rules are Cognito’s', () => {
    expect(domain([], { type: 'CreateDomain', poolId: 'p1', domain: 'shop', managedLoginVersion: 1, now: NOW })()).toEqual([created]);
    expect(domain([created], { type: 'CreateDomain', poolId: 'p1', domain: 'other', managedLoginVersion: 1, now: NOW })).toThrow(/already has a domain/);
    expect(domain([], { type: 'CreateDomain', poolId: 'p1', domain: 'my-cognito', managedLoginVersion: 1, now: NOW })).toThrow(
      'Domain cannot contain reserved word: cognito',
    );
    expect(domain([], { type: 'CreateDomain', poolId: 'p1', domain: '-shop', managedLoginVersion: 1, now: NOW })).toThrow(InvalidParameterError);
    expect(domain([], { type: 'CreateDomain', poolId: 'p1', domain: 'auth.example.com', managedLoginVersion: 1, now: NOW })).toThrow(/CertificateArn/);
  });
  test('update and delete name the pool’s own domain; a delete frees it', () => {
    expect(domain([created], { type: 'UpdateDomain', domain: 'shop', managedLoginVersion: 1, now: NOW })()).toEqual([]);
    expect(domain([created], { type: 'UpdateDomain', domain: 'shop', managedLoginVersion: 2, now: NOW })()).toEqual([
      { type: 'UserPoolDomainUpdated', data: { managedLoginVersion: 2, at: NOW } },
    ]);
    expect(domain([created], { type: 'DeleteDomain', domain: 'other', now: NOW })).toThrow('No such domain or user pool exists.');
    const deleted: UserPoolDomainEvent = { type: 'UserPoolDomainDeleted', data: { domain: 'shop', at: NOW } };
    expect(domain([created], { type: 'DeleteDomain', domain: 'shop', now: NOW })()).toEqual([deleted]);
    expect(domain([created, deleted], { type: 'CreateDomain', poolId: 'p1', domain: 'again', managedLoginVersion: 1, now: NOW })()).toHaveLength(1);
  });
});

describe('resource server decider', () => {
  const server = { identifier: 'https://api', name: 'api', scopes: [{ name: 'read', description: 'Read' }] };
  const made: ResourceServerEvent = { type: 'ResourceServerCreated', data: { poolId: 'p1', ...server, at: NOW } };
  test('identifiers are unique in the pool, scope names within a server; custom scopes are <identifier>/<name>', () => {
    expect(servers([], { type: 'CreateResourceServer', poolId: 'p1', server, now: NOW })()).toEqual([made]);
    expect(servers([made], { type: 'CreateResourceServer', poolId: 'p1', server, now: NOW })).toThrow(/already exists/);
    const twice = { ...server, identifier: 'x', scopes: [server.scopes[0], server.scopes[0]] };
    expect(servers([], { type: 'CreateResourceServer', poolId: 'p1', server: twice, now: NOW })).toThrow(/Duplicate scope/);
    expect([...customScopes(fold(resourceServerDecider, [made]))]).toEqual(['https://api/read']);
  });
  test('at most 25 servers; update and delete need an existing one', () => {
    const many = Array.from({ length: MAX_RESOURCE_SERVERS }, (_, i): ResourceServerEvent => ({
      type: 'ResourceServerCreated',
      data: { poolId: 'p1', ...server, identifier: `s${i}`, at: NOW },
    }));
    expect(servers(many, { type: 'CreateResourceServer', poolId: 'p1', server, now: NOW })).toThrow(LimitExceededError);
    expect(servers([], { type: 'UpdateResourceServer', server, now: NOW })).toThrow(ResourceNotFoundError);
    expect(servers([made], { type: 'DeleteResourceServer', identifier: 'https://api', now: NOW })()).toEqual([
      { type: 'ResourceServerDeleted', data: { identifier: 'https://api', at: NOW } },
    ]);
  });
});

describe('app client OAuth settings', () => {
  const base = { ...defaultClientSettings('web'), allowedOAuthFlowsUserPoolClient: true };
  const client = { poolId: 'p1', hasSecret: false, customScopes: new Set(['https://api/read']) };
  test('client_credentials alone, with a secret, with custom scopes only', () => {
    expect(() => checkOAuthSettings({ ...base, allowedOAuthFlows: ['client_credentials', 'code'], callbackURLs: ['https://a'] }, client)).toThrow(
      InvalidOAuthFlowError,
    );
    expect(() => checkOAuthSettings({ ...base, allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['https://api/read'] }, client)).toThrow(
      'client_credentials flow can not be selected if client does not have a client secret.',
    );
    expect(() =>
      checkOAuthSettings({ ...base, allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['openid'] }, { ...client, hasSecret: true }),
    ).toThrow(InvalidOAuthFlowError);
    expect(() =>
      checkOAuthSettings({ ...base, allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['https://api/read'] }, { ...client, hasSecret: true }),
    ).not.toThrow();
  });
  test('scopes must exist; code needs callback URLs (HTTPS or loopback); the default redirect is one of them', () => {
    expect(() =>
      checkOAuthSettings({ ...base, allowedOAuthFlows: ['code'], allowedOAuthScopes: ['https://api/write'], callbackURLs: ['https://a'] }, client),
    ).toThrow(ScopeDoesNotExistError);
    expect(() => checkOAuthSettings({ ...base, allowedOAuthFlows: ['code'], allowedOAuthScopes: ['openid'] }, client)).toThrow(/CallbackUrls can not be empty/);
    expect(() => checkOAuthSettings({ ...base, allowedOAuthFlows: ['code'], callbackURLs: ['http://example.com/cb'] }, client)).toThrow(/Invalid CallbackURL/);
    expect(() =>
      checkOAuthSettings({ ...base, allowedOAuthFlows: ['code'], callbackURLs: ['http://localhost:3000/cb'], defaultRedirectURI: 'https://b' }, client),
    ).toThrow(/DefaultRedirectURI/);
    expect(() =>
      checkOAuthSettings({ ...base, allowedOAuthFlows: ['code'], callbackURLs: ['http://localhost:3000/cb'], supportedIdentityProviders: ['Google'] }, client),
    ).toThrow(/does not exist/);
    expect(() =>
      checkOAuthSettings(
        {
          ...base,
          allowedOAuthFlows: ['code'],
          allowedOAuthScopes: ['openid', 'https://api/read'],
          callbackURLs: ['http://localhost:3000/cb'],
          supportedIdentityProviders: ['COGNITO'],
        },
        client,
      ),
    ).not.toThrow();
  });
});
