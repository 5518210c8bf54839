/** The per-person data keys of the event store's envelope (src/event-store/data-keys.ts), as erasure needs them. */
export interface PersonalDataKeys {
  /** Destroys the key of `<poolId>/<sub>`; a tombstone stays so nothing is sealed for it again. */
  erase(subject: string): Promise<{ hadKey: boolean }>;
  isErased(subject: string): Promise<boolean>;
  /** Subjects erased whose id starts with `prefix` (`<poolId>/` for one pool). */
  erasedSubjects(prefix?: string): Promise<Set<string>>;
}

export const DATA_KEYS = Symbol('PersonalDataKeys');

export const subjectOf = (poolId: string, sub: string) => `${poolId}/${sub}`;
