import { Inject, Injectable } from '@nestjs/common';
import { InvalidPasswordError } from '../../shared/domain-error.js';
import type { ActivePool } from '../user-pool.repository.js';
import { COMPROMISED_PASSWORDS, type CompromisedPasswords } from './compromised-passwords.js';
import type { CompromisedCredentialsEvent } from './risk.events.js';
import { RiskConfigurations } from './risk.use-cases.js';
import { threatProtectionMode } from './threat-protection.js';

/**
 * Compromised-credentials detection on sign-up and password changes: a new password found in
 * the breach corpus is refused when the pool enforces threat protection and its (or the app
 * client's) configuration blocks compromised credentials for that event. Checked before
 * anything is written; the password is only hashed in memory (SHA-1 for the range lookup).
 */
@Injectable()
export class CompromisedPasswordCheck {
  constructor(
    @Inject(COMPROMISED_PASSWORDS) private readonly corpus: CompromisedPasswords,
    private readonly configurations: RiskConfigurations,
  ) {}

  async refuseCompromised(pool: ActivePool, clientId: string | undefined, event: CompromisedCredentialsEvent, password: string): Promise<void> {
    if (!this.corpus.configured || threatProtectionMode(pool.settings) !== 'ENFORCED') return;
    const configuration = clientId
      ? await this.configurations.forClient(pool.poolId, clientId)
      : (await this.configurations.load(pool.poolId)).pool?.configuration;
    const compromised = configuration?.compromisedCredentials;
    if (!compromised || compromised.eventAction !== 'BLOCK' || !compromised.eventFilter.includes(event)) return;
    if (await this.corpus.isCompromised(password)) throw new InvalidPasswordError('Provided password cannot be used for security reasons.');
  }
}
