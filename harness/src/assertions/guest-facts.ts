/**
 * Reads from the guest that assertions share, fetched once per evaluation: the properties of every unit
 * the unit_state assertions name (one `systemctl show` command for all of them) and guest files by path.
 * Each guest exec costs 1–2 s under TCG, so this keeps the assertion phase short.
 */
import type { ExecResult } from "../machine.js";
import { shellQuote } from "../steps/shell.js";
import { parseProperties, type ScenarioMachine } from "../steps/verbs.js";

const END = "@@core-ops-verify-unit-end@@";

export class GuestFacts {
  private readonly units = new Map<string, Record<string, string>>();
  private readonly files = new Map<string, Promise<ExecResult>>();

  constructor(readonly vm: ScenarioMachine) {}

  /** Fetches the named properties of all these units with one guest command. */
  async prefetchUnits(wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    const units = [...wanted.keys()].sort();
    if (units.length === 0) return;
    const script = units
      .map((u) => {
        const props = [...(wanted.get(u) ?? [])]
          .sort()
          .map((p) => `-p ${p}`)
          .join(" ");
        return `systemctl show ${props} -- ${shellQuote(u)}; echo ${END}`;
      })
      .join("; ");
    const out = await this.vm.succeed(`sh -c ${shellQuote(script)}`);
    const chunks = out.split(`${END}\n`);
    units.forEach((u, i) => {
      this.units.set(u, parseProperties(chunks[i] ?? ""));
    });
  }

  async unitProperties(unit: string, properties: readonly string[]): Promise<Record<string, string>> {
    const cached = this.units.get(unit);
    if (cached && properties.every((p) => p in cached)) return cached;
    const fresh = await this.vm.unitProperties(unit, properties);
    this.units.set(unit, { ...cached, ...fresh });
    return fresh;
  }

  /** `cat` of a guest file (exit code tells whether it could be read). */
  cat(path: string): Promise<ExecResult> {
    let r = this.files.get(path);
    if (r === undefined) {
      r = this.vm.exec(`cat ${shellQuote(path)}`);
      this.files.set(path, r);
    }
    return r;
  }
}
