/**
 * Test doubles for the executor's unit tests: a recording `Systemd` (it records calls and reports the
 * unit states each test scripts), a real file system under a temp dir (removed after each test), and
 * builders of executor input. Real systemd behaviour is verified in the VM scenarios.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { NodeHostFs } from "../../effects/host-fs.js";
import type { ApplyObject, ApplyOptions } from "../model.js";
import type { Systemd, UnitProperties } from "../ports.js";

export class RecordingSystemd implements Systemd {
  readonly mode = "host" as const;
  calls: string[] = [];
  /** Scripted unit states: a function of the unit and how many times `show` was called. */
  states: (unit: string, showCount: number) => Record<string, string | undefined> = () => ({
    LoadState: "loaded",
    ActiveState: "active",
    SubState: "running",
    NRestarts: "0",
  });
  failStart = new Set<string>();
  failStop = new Set<string>();
  private shows = 0;
  async daemonReload() {
    this.calls.push("daemon-reload");
  }
  async show(units: readonly string[], props: readonly string[]): Promise<UnitProperties[]> {
    this.shows += 1;
    this.calls.push(`show ${props.join(",")} ${units.join(" ")}`);
    return units.map((u) => {
      const rec: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.states(u, this.shows))) if (v !== undefined) rec[k] = v;
      return rec;
    });
  }
  async start(unit: string) {
    this.calls.push(`start ${unit}`);
    if (this.failStart.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async stop(unit: string) {
    this.calls.push(`stop ${unit}`);
    if (this.failStop.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async resetFailed(unit: string) {
    this.calls.push(`reset-failed ${unit}`);
  }
  async restart(unit: string) {
    this.calls.push(`restart ${unit}`);
    if (this.failStart.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async enable(unit: string) {
    this.calls.push(`enable ${unit}`);
    return true;
  }
  async disable(unit: string) {
    this.calls.push(`disable ${unit}`);
    return true;
  }
  activeStates: Record<string, string> = {};
  async isActive(unit: string) {
    this.calls.push(`is-active ${unit}`);
    return this.activeStates[unit] ?? "active";
  }
  actions(): string[] {
    return this.calls.filter((c) => !c.startsWith("show"));
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
export function rootFs(): NodeHostFs {
  const d = mkdtempSync(join(tmpdir(), "core-ops-exec-"));
  dirs.push(d);
  return new NodeHostFs(d);
}

export const opts: ApplyOptions = {
  noReload: false,
  retryBudget: 3,
  activationTimeoutMs: 50,
  settleMs: 0,
  systemdUnitDir: "/etc/systemd/system",
  sleep: async () => {},
};

export function obj(partial: Partial<ApplyObject> & Pick<ApplyObject, "id">): ApplyObject {
  return {
    kind: "quadlet_resource",
    unit: null,
    previousUnit: null,
    action: "no_op",
    files: [],
    removePaths: [],
    prerequisites: [],
    install: null,
    activation: "start",
    expectation: "active",
    socketUnit: null,
    automountUnit: null,
    containerName: null,
    mount: null,
    toleratedVariance: false,
    hostFiles: {},
    blockedBy: null,
    ...partial,
  };
}
export function file(path: string, text: string, unitFile = true) {
  return { path, content: Buffer.from(text), mode: 0o644, owner: "root", group: "root", unitFile };
}

export const Q = "/etc/containers/systemd";
export const U = "/etc/systemd/system";
