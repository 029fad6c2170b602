/** Release impact levels and their order: none < patch < minor < major. */
import { z } from "zod";

export const ReleaseIntentSchema = z.enum(["patch", "minor", "major"]);
export type ReleaseIntent = z.infer<typeof ReleaseIntentSchema>;

export const BumpSchema = z.enum(["none", "patch", "minor", "major"]);
export type Bump = z.infer<typeof BumpSchema>;

const ORDER: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function bumpRank(b: Bump): number {
  return ORDER[b];
}

export function maxBump(bumps: Iterable<Bump>): Bump {
  let best: Bump = "none";
  for (const b of bumps) if (ORDER[b] > ORDER[best]) best = b;
  return best;
}

export function bumpLower(a: Bump, b: Bump): boolean {
  return ORDER[a] < ORDER[b];
}
