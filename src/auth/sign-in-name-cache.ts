/**
 * Username → user stream, remembered by this process so a sign-in does not look the name up
 * on every call. An entry is only a guess: the sign-in reads the user's stream anyway and uses
 * the entry only if that user still holds the username (the unique claim and the user's state
 * are written in one append, so no other user can hold it then); otherwise it forgets the entry
 * and looks the name up. Aliases are never remembered: a username claimed later by another
 * user would take precedence over an alias, and the alias holder's stream cannot tell.
 */
export class SignInNameCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly maxEntries = 100_000) {}

  get(scope: string, value: string): string | undefined {
    return this.entries.get(key(scope, value));
  }

  set(scope: string, value: string, streamId: string): void {
    const k = key(scope, value);
    this.entries.delete(k);
    this.entries.set(k, streamId);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(scope: string, value: string): void {
    this.entries.delete(key(scope, value));
  }
}

const key = (scope: string, value: string) => `${scope}\0${value}`;
