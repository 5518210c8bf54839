/** Nest injection token of the Platform object. */
export const PLATFORM = Symbol('PLATFORM');
