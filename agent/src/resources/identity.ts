/**
 * Object identity and display ids.
 *
 * - Units (all four unit kinds): `<resource_type>/<file name>` where resource_type is the file extension:
 *   `container/frontend.container`, `volume/data.volume`, `service/backup.service`,
 *   `mount/var-lib-immich-media.mount`, `automount/var-lib-immich-media.automount`.
 * - Files (rendered artifacts, companions): `file/` + absolute host path, e.g. `file//etc/frontend/Caddyfile`,
 *   `file//etc/containers/systemd/app.yaml`. The absolute path stays whole so a suffix such as
 *   `/etc/frontend/Caddyfile` or `Caddyfile` finds it (`explain`).
 */
import type { ManagedKind } from "../model/kinds.js";
import { unitExtension } from "../units/quadlet.js";

/** A unit's resource type: its file extension without the dot (`container`, `mount`, `service`). */
export function unitResourceType(fileName: string): string {
  return unitExtension(fileName).slice(1);
}

export function unitDisplayId(fileName: string): string {
  return `${unitResourceType(fileName)}/${fileName}`;
}

export function fileDisplayId(path: string): string {
  return `file/${path}`;
}

/** The unit kinds by file extension; rendered artifacts are not units. */
export function unitKind(fileName: string, family: "quadlet" | "native"): ManagedKind {
  if (family === "quadlet") return "quadlet_resource";
  const type = unitResourceType(fileName);
  if (type === "mount") return "mount";
  if (type === "automount") return "automount";
  return "generated_unit";
}

/**
 * Resolves an operator's `<object>` argument against known display ids: exact id, then bare name
 * (file name or absolute path), then suffix of the id. Returns every match of the first rule that matches.
 */
export function resolveObjectQuery(query: string, ids: readonly string[]): string[] {
  const sorted = [...new Set(ids)].sort();
  if (sorted.includes(query)) return [query];
  const byName = sorted.filter((id) => id.slice(id.indexOf("/") + 1) === query);
  if (byName.length > 0) return byName;
  return sorted.filter((id) => id.endsWith(query));
}
