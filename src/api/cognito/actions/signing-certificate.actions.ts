import { z } from 'zod';
import { GetSigningCertificateCommand } from '../../../auth/federation/saml/signing-certificate.use-cases.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';

/** GetSigningCertificate: the pool's SAML signing certificate, base64 DER. */
export const getSigningCertificate = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    const { certificate } = await ctx.commands.execute(new GetSigningCertificateCommand({ poolId: input.UserPoolId }, ctx.request));
    return { Certificate: certificate };
  },
});

/** The SAML service-provider actions, spread into the action table (services.ts). */
export const SIGNING_CERTIFICATE_ACTIONS = { GetSigningCertificate: getSigningCertificate };
