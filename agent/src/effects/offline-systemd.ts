/**
 * `Systemd` for `--root DIR` (ARCHITECTURE.md "Offline root"): there is no manager to talk to, so the only
 * operation is enablement, done the way `systemctl --root DIR enable` does it — symlinks
 * `<unit dir>/<target>.wants/<unit>` (WantedBy=), `<target>.requires/<unit>` (RequiredBy=) and
 * `<unit dir>/<alias>` (Alias=) pointing at the unit file. Runtime operations throw: the executor never
 * calls them in offline mode, and a bug that did would be loud.
 */
import type { HostFs, InstallInfo, Systemd, UnitProperties } from "../apply/ports.js";
import { installNameProblem } from "../units/install-names.js";

export interface EnablementLink {
  link: string;
  target: string;
}

/**
 * The symlinks `systemctl --root` creates for a unit with this `[Install]` section. Names that are not
 * valid unit names never become links (the repository is checked at load; a unit found on the host is not).
 */
export function enablementLinks(
  unitDir: string,
  unit: string,
  unitPath: string,
  install: InstallInfo,
): EnablementLink[] {
  if (/@\./.test(unit)) return []; // a template needs an instance (DefaultInstance=) — not enabled offline
  const links: EnablementLink[] = [];
  const ok = (key: "WantedBy" | "RequiredBy" | "Alias", name: string) =>
    installNameProblem(key, name, unit) === null;
  for (const t of install.wantedBy)
    if (ok("WantedBy", t)) links.push({ link: `${unitDir}/${t}.wants/${unit}`, target: unitPath });
  for (const t of install.requiredBy)
    if (ok("RequiredBy", t)) links.push({ link: `${unitDir}/${t}.requires/${unit}`, target: unitPath });
  for (const a of install.alias)
    if (ok("Alias", a)) links.push({ link: `${unitDir}/${a}`, target: unitPath });
  return links.sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
}

export class OfflineSystemd implements Systemd {
  readonly mode = "offline_root" as const;
  constructor(
    private readonly fs: HostFs,
    private readonly unitDir: string,
  ) {}

  private refuse(op: string): never {
    throw new Error(`internal error: systemctl ${op} requested in --root mode`);
  }
  async daemonReload(): Promise<void> {
    this.refuse("daemon-reload");
  }
  async show(_units: readonly string[], _p: readonly string[]): Promise<UnitProperties[]> {
    this.refuse("show");
  }
  async start(unit: string): Promise<void> {
    this.refuse(`start ${unit}`);
  }
  async stop(unit: string): Promise<void> {
    this.refuse(`stop ${unit}`);
  }
  async resetFailed(unit: string): Promise<void> {
    this.refuse(`reset-failed ${unit}`);
  }
  async restart(unit: string): Promise<void> {
    this.refuse(`restart ${unit}`);
  }
  async isActive(unit: string): Promise<string> {
    this.refuse(`is-active ${unit}`);
  }

  async enable(unit: string, unitPath: string, install: InstallInfo): Promise<boolean> {
    let changed = false;
    for (const { link, target } of enablementLinks(this.unitDir, unit, unitPath, install)) {
      if (this.fs.readlink(link) === target) continue;
      this.fs.symlink(target, link);
      changed = true;
    }
    return changed;
  }

  async disable(unit: string, unitPath: string, install: InstallInfo): Promise<boolean> {
    let changed = false;
    for (const { link, target } of enablementLinks(this.unitDir, unit, unitPath, install)) {
      if (this.fs.readlink(link) !== target) continue;
      this.fs.remove(link);
      const dir = link.slice(0, link.lastIndexOf("/"));
      if (dir !== this.unitDir) this.fs.removeEmptyDir(dir);
      changed = true;
    }
    return changed;
  }
}
