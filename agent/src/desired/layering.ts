/**
 * Pure layering rules (ARCHITECTURE.md "The desired-state repository"): base drop-ins then host drop-ins, a
 * same-name host drop-in replaces the base one, a host drop-in must otherwise sort after every base drop-in
 * of its unit; host config files replace the base file at the same target.
 */
import { layoutError } from "../errors.js";
import type { DesiredConfig, DesiredDropIn, SourceRef } from "./model.js";
import { compareNames } from "./names.js";

export interface RawDropIn {
  /** File name of the unit it belongs to, e.g. `frontend.container`. */
  unit: string;
  name: string;
  source: SourceRef;
  text: string;
}

export interface RawConfig {
  target: string;
  source: SourceRef;
  content: Buffer;
  mode: number;
}

/** The effective drop-ins of one unit, in application (lexical) order. */
export function layerDropIns(unit: string, base: RawDropIn[], host: RawDropIn[]): DesiredDropIn[] {
  const sortedBase = [...base].sort((a, b) => compareNames(a.name, b.name));
  const byName = new Map<string, DesiredDropIn>();
  for (const d of sortedBase) byName.set(d.name, { name: d.name, source: d.source, text: d.text });
  for (const h of [...host].sort((a, b) => compareNames(a.name, b.name))) {
    const replaced = byName.get(h.name);
    if (replaced && replaced.source.layer === "base") {
      byName.set(h.name, { name: h.name, source: h.source, text: h.text, replaces: replaced.source });
      continue;
    }
    const later = sortedBase.find((b) => compareNames(h.name, b.name) < 0);
    if (later) {
      const last = sortedBase[sortedBase.length - 1] ?? later;
      throw layoutError(
        `host drop-in '${h.source.path}' would sort before base drop-in '${later.source.path}' of ${unit}; systemd applies drop-ins in lexical order, so the base file would override the host file`,
        {
          code: "dropin_sorts_before_base",
          file: h.source.path,
          related: [later.source.path],
          hint: `rename the host drop-in so its name sorts after '${last.name}', or name it '${later.name}' to replace that base drop-in`,
        },
      );
    }
    byName.set(h.name, { name: h.name, source: h.source, text: h.text });
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** The effective config files: base files (owned by their service), each replaced by a host file at the same target. */
export function layerConfigs(
  base: (RawConfig & { service: string })[],
  host: RawConfig[],
  selectedServices: readonly string[],
): DesiredConfig[] {
  const byTarget = new Map<string, DesiredConfig>();
  for (const c of base) {
    byTarget.set(c.target, {
      service: c.service,
      target: c.target,
      source: c.source,
      content: c.content,
      mode: c.mode,
      owner: "root",
      group: "root",
    });
  }
  for (const h of host) {
    const replaced = byTarget.get(h.target);
    if (!replaced) {
      throw layoutError(`host config override for ${h.target} has no base file in a selected service`, {
        code: "host_config_without_base",
        file: h.source.path,
        hint: `a host file only replaces a base file at the same target; add config${h.target} to one of the selected services (${selectedServices.join(", ") || "none selected"}) or remove the override`,
      });
    }
    byTarget.set(h.target, {
      ...replaced,
      source: h.source,
      replaces: replaced.source,
      content: h.content,
      mode: h.mode,
    });
  }
  return [...byTarget.values()].sort((a, b) => compareNames(a.target, b.target));
}
