/**
 * A person's data key was destroyed (docs/history.md "Erasure"): every event sealed under it now
 * reads as erased. Recorded on the pool's erasure stream, not the user's, and naming the user by
 * sub only (`erasedSub`, not `sub`: the event is the auditor's, not the erased person's), so the
 * record of who erased whom, when and from where survives the erasure itself.
 */
export type UserPersonalDataErased = {
  type: 'UserPersonalDataErased';
  data: {
    poolId: string;
    erasedSub: string;
    /** Whether a data key existed (false: the user never had sealed data, e.g. erased before the envelope). */
    hadKey: boolean;
    /** The user's events still holding personal data in clear (written before the envelope), or null when not counted (EventStoreDB). */
    plaintextEvents: number | null;
    at: string;
  };
};

export type ErasureEvent = UserPersonalDataErased;

export const erasuresStream = (poolId: string) => `erasures-${poolId}`;
