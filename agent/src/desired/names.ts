/** Identifier rules and the one ordering used for everything the loader sorts. */

/** Service, host and drop-in names. Unit file names follow systemd's own rules instead. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name);
}

/**
 * Byte-wise (code unit) comparison — the order systemd applies drop-ins in, and independent of locale.
 * Never use `localeCompare` for anything whose order is output.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort(compareNames);
}

/** True when `s` contains an ASCII control character (U+0000–U+001F, U+007F). */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The two names in `compareNames` order. */
export function orderedPair(a: string, b: string): [string, string] {
  return compareNames(a, b) <= 0 ? [a, b] : [b, a];
}
