/** The 1-based line of a top-level `key:` in YAML text (1 when absent), for problems about a whole field. */
export function topLevelKeyLine(text: string, key: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`) || l.startsWith(`${key} :`));
  return i < 0 ? 1 : i + 1;
}
