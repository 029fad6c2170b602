/** Run ids: `run-<unix-ms><4 hex>-<scenario_id>`, short enough for a libvirt domain name. */
import { randomBytes } from "node:crypto";

export function newRunId(scenarioId: string, now: Date = new Date()): string {
  const stamp = now.getTime().toString(36);
  const id = scenarioId.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 40);
  return `run-${stamp}${randomBytes(2).toString("hex")}-${id}`;
}
