/**
 * A user's passkeys (WebAuthn credentials), on a stream of their own. A credential's public key is
 * not a secret: it only verifies signatures the authenticator makes.
 */

/** StartWebAuthnRegistration: the challenge the next CompleteWebAuthnRegistration must sign (one at a time, the latest wins). */
export type PasskeyRegistrationStarted = {
  type: 'PasskeyRegistrationStarted';
  data: { challenge: string; relyingPartyId: string; clientId: string; expiresAt: string; at: string };
};

/** CompleteWebAuthnRegistration: a verified attestation; the credential signs in from now on. */
export type PasskeyRegistered = {
  type: 'PasskeyRegistered';
  data: {
    credentialId: string;
    /** The COSE public key, base64url. */
    publicKey: string;
    counter: number;
    relyingPartyId: string;
    friendlyName?: string;
    authenticatorAttachment?: string;
    transports: string[];
    at: string;
  };
};

/** A sign-in with the credential passed: its signature counter as the authenticator reported it. */
export type PasskeyUsed = { type: 'PasskeyUsed'; data: { credentialId: string; counter: number; at: string } };

/** DeleteWebAuthnCredential. */
export type PasskeyDeleted = { type: 'PasskeyDeleted'; data: { credentialId: string; at: string } };

export type PasskeyEvent = PasskeyRegistrationStarted | PasskeyRegistered | PasskeyUsed | PasskeyDeleted;

export const passkeysStream = (poolId: string, sub: string) => `passkeys-${poolId}-${sub}`;
