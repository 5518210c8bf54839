import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UseCaseCommand } from '../../../shared/use-case.js';
import { Pools } from '../../../user-pools/pools.js';
import { SamlCertificates } from './saml-certificates.js';

/**
 * GetSigningCertificate: the pool's SAML signing certificate (base64 DER), made on the first
 * ask (a command for that reason: the first call writes it). Unknown pool: ResourceNotFoundException.
 */
export class GetSigningCertificateCommand extends UseCaseCommand<{ poolId: string }, { certificate: string }> {}

@CommandHandler(GetSigningCertificateCommand)
export class GetSigningCertificateHandler implements ICommandHandler<GetSigningCertificateCommand> {
  constructor(
    private readonly pools: Pools,
    private readonly certificates: SamlCertificates,
  ) {}

  async execute({ input, context }: GetSigningCertificateCommand): Promise<{ certificate: string }> {
    const pool = await this.pools.load(input.poolId);
    const { certificate } = await this.certificates.forPool(pool.poolId, context);
    return { certificate };
  }
}
