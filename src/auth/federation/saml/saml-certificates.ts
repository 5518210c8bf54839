import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { X509CertificateGenerator } from '@peculiar/x509';
import type { Secrets } from '../../../crypto/secrets.js';
import type { EventStore } from '../../../event-store/event-store.port.js';
import type { Clock } from '../../../shared/clock.js';
import { handleCommand } from '../../../shared/command-handler.js';
import { CLOCK, SECRETS, STORE } from '../../../shared/ports.js';
import type { RequestContext } from '../../../shared/request-context.js';
import type { SamlEncryptionCertificates } from '../../../user-pools/identity-providers/saml-encryption.port.js';
import { samlCertificateDecider } from './saml.deciders.js';
import { samlCertificateStream, samlKeyContext, type SamlSigningCertificateCreated } from './saml.events.js';
import { certificatePem } from './saml-metadata.js';

/** A pool's SAML signing certificate and its key, ready to sign with. */
export interface SamlSigningMaterial {
  /** base64 DER, as GetSigningCertificate answers it. */
  certificate: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** Cognito's signing certificates are valid for ten years. */
const VALIDITY_YEARS = 10;

/**
 * Each pool's SAML signing certificate (RSA-2048, self-signed, SHA-256), made on first use and
 * kept on `samlcert-<poolId>` with the private key encrypted under the master key (as the
 * token signing keys are). Two instances making one at once: the append with `no_stream`
 * lets one win and the other re-reads it. Its key also decrypts EncryptedResponses, so it is
 * the ActiveEncryptionCertificate a SAML provider shows.
 */
@Injectable()
export class SamlCertificates implements SamlEncryptionCertificates {
  private readonly cache = new Map<string, Promise<SamlSigningMaterial>>();

  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  forPool(poolId: string, context: RequestContext): Promise<SamlSigningMaterial> {
    let material = this.cache.get(poolId);
    if (!material) {
      material = this.load(poolId, context);
      material.catch(() => this.cache.delete(poolId));
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(poolId, material);
    }
    return material;
  }

  async activeEncryptionCertificate(poolId: string, context: RequestContext): Promise<string> {
    return (await this.forPool(poolId, context)).certificate;
  }

  private async load(poolId: string, context: RequestContext): Promise<SamlSigningMaterial> {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: samlCertificateStream(poolId),
      decider: samlCertificateDecider,
      context,
      now,
      retries: 2,
      command: async (state) =>
        state.certificate
          ? { type: 'CreateCertificate' as const, certificate: state.certificate }
          : { type: 'CreateCertificate' as const, certificate: await this.make(poolId, now) },
    });
    const created = result.state.certificate!;
    return {
      certificate: created.certificate,
      certificatePem: certificatePem(created.certificate),
      privateKeyPem: this.secrets.decrypt(created.encryptedPrivateKey, samlKeyContext(poolId)),
    };
  }

  private async make(poolId: string, now: Date): Promise<SamlSigningCertificateCreated['data']> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const keys = {
      privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), algorithm, true, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ format: 'der', type: 'spki' }), algorithm, true, ['verify']),
    };
    const notAfter = new Date(now);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
    const certificate = await X509CertificateGenerator.createSelfSigned(
      { name: `CN=${poolId}, O=Cairn, OU=urn:amazon:cognito:sp:${poolId}`, notBefore: now, notAfter, keys, signingAlgorithm: algorithm },
      webcrypto as unknown as Crypto,
    );
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return {
      poolId,
      certificate: Buffer.from(certificate.rawData).toString('base64'),
      encryptedPrivateKey: this.secrets.encrypt(pem, samlKeyContext(poolId)),
      createdAt: now.toISOString(),
      notAfter: notAfter.toISOString(),
    };
  }
}
