import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../../../event-store/event-store.port.js';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { STORE } from '../../../shared/ports.js';
import { findByIdentifier, type IdentityProviderRecord, providerNotFound } from '../../../user-pools/identity-providers/identity-provider.decider.js';
import { loadIdentityProviders } from '../../../user-pools/identity-providers/identity-provider.use-cases.js';
import { type IdpMetadata, parseIdpMetadata, SamlMetadataError } from './saml-metadata.js';
import type { SamlProviderConfig } from './saml-service-provider.js';

/** A MetadataURL's document is fetched again after this long. */
const METADATA_TTL_MS = 10 * 60_000;
const METADATA_TIMEOUT_MS = 5_000;

/**
 * A pool's SAML identity providers as the service provider needs them: ProviderDetails read
 * from the pool's identity-provider stream (always current), the metadata parsed from
 * MetadataFile or fetched from MetadataURL (kept for 10 minutes per URL).
 */
@Injectable()
export class SamlProviders {
  private readonly fetched = new Map<string, { at: number; metadata: Promise<IdpMetadata> }>();

  constructor(@Inject(STORE) private readonly store: EventStore) {}

  /** The named SAML provider, or ResourceNotFoundException. */
  async byName(poolId: string, providerName: string): Promise<SamlProviderConfig> {
    const state = await loadIdentityProviders(this.store, poolId);
    const record = state.providers.find((p) => p.name === providerName);
    if (!record || record.type !== 'SAML') throw providerNotFound(providerName);
    return this.config(poolId, record);
  }

  /** The provider an unsolicited response names: by identity_provider, idp_identifier, or the entity id of its issuer. */
  async find(poolId: string, by: { identityProvider?: string; idpIdentifier?: string; issuer?: string }): Promise<SamlProviderConfig | undefined> {
    const state = await loadIdentityProviders(this.store, poolId);
    const saml = state.providers.filter((p) => p.type === 'SAML');
    if (by.identityProvider) {
      const record = saml.find((p) => p.name === by.identityProvider);
      return record && this.config(poolId, record);
    }
    if (by.idpIdentifier) {
      const record = findByIdentifier(state, by.idpIdentifier);
      return record?.type === 'SAML' ? this.config(poolId, record) : undefined;
    }
    if (by.issuer) {
      for (const record of saml) {
        const config = await this.config(poolId, record).catch(() => undefined);
        if (config?.metadata.entityId === by.issuer) return config;
      }
    }
    return undefined;
  }

  private async config(poolId: string, record: IdentityProviderRecord): Promise<SamlProviderConfig> {
    const d = record.details;
    return {
      poolId,
      providerName: record.name,
      metadata: await this.metadata(d),
      idpInit: d.IDPInit === 'true',
      idpSignout: d.IDPSignout === 'true',
      encryptedResponses: d.EncryptedResponses === 'true',
      requestSigningAlgorithm: d.RequestSigningAlgorithm,
    };
  }

  private async metadata(details: Record<string, string>): Promise<IdpMetadata> {
    try {
      if (details.MetadataFile) return parseIdpMetadata(details.MetadataFile);
      const url = details.MetadataURL;
      if (!url) throw new SamlMetadataError('the provider has neither MetadataFile nor MetadataURL');
      const cached = this.fetched.get(url);
      if (cached && Date.now() - cached.at < METADATA_TTL_MS) return await cached.metadata;
      const metadata = fetch(url, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) }).then(async (r) => {
        if (!r.ok) throw new SamlMetadataError(`the MetadataURL answered ${r.status}`);
        return parseIdpMetadata(await r.text());
      });
      this.fetched.set(url, { at: Date.now(), metadata });
      metadata.catch(() => this.fetched.delete(url));
      return await metadata;
    } catch (error) {
      if (error instanceof SamlMetadataError) throw new InvalidParameterError(`Invalid SAML metadata: ${error.message}`);
      throw error;
    }
  }
}
