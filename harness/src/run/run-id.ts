/**
 * Run ids name the guest's domain (`coreops-verify-<run id>`), so they follow the machine layer's rule
 * `^[a-z0-9][a-z0-9-]{0,47}$` with room for a bring-up retry suffix (`-r2`): `run-<time><rand>-<scenario>`,
 * lowercase, at most 44 characters.
 */
import { randomBytes } from "node:crypto";

export const RUN_ID_MAX = 44;

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

export function newRunId(
  scenarioId: string,
  now: Date = new Date(),
  rand: string = randomBytes(2).toString("hex"),
): string {
  const prefix = `run-${now.getTime().toString(36)}${rand}`;
  const id = slug(scenarioId)
    .slice(0, RUN_ID_MAX - prefix.length - 1)
    .replace(/-$/, "");
  return id === "" ? prefix : `${prefix}-${id}`;
}
