/**
 * The synthetic `Hypervisor`/`Machine`: an in-memory guest for the harness's own fast tests and the
 * hidden `--synthetic` switch (never for signoff, refused with `--ci`). It simulates just enough of a
 * guest and of `core-ops` (init/plan/apply/status with JSON views; `frontend.service` restarts on every
 * applied change, `ticker.service` starts once; /etc/frontend/index.html; a status.json) to exercise
 * steps, assertions, outcomes and bundles. It proves nothing about the agent.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GUEST_DELIVERY_DIR } from "../guest-delivery-dir.js";
import { packageSetDigest } from "../guest-image/package-set.js";
import { buildIgnitionConfig, renderIgnitionConfig } from "../ignition/config.js";
import {
  type AccessInfo,
  type DestroyReport,
  destroyCommand,
  type ExecOptions,
  type ExecResult,
  type Hypervisor,
  type Machine,
  type MachineSpec,
  type ReadinessEvidence,
  type ReadinessRecord,
} from "../machine.js";
import { ReadinessTimeoutError } from "../readiness/errors.js";

export interface SyntheticOptions {
  /** `start()` throws this many times before it works (bring-up retry tests). */
  failStarts?: number;
  /** What `start()` throws while it fails (default: an infrastructure failure of the domain). */
  startError?: () => Error;
  /** Lines appended to the console log at boot (console check and redaction tests). */
  consoleLines?: string[] | ((spec: MachineSpec) => string[]);
  /** The guest never prints a readiness record: `waitReady` times out. */
  neverReady?: boolean;
  /** Observed by tests: every machine created. */
  created?: SyntheticMachine[];
}

interface AgentState {
  tracked: string | null;
  applied: string | null;
  clock: number;
  units: Map<string, { active: boolean; enteredAt: number; restarts: number }>;
}

function unwrapShell(command: string): string {
  const m = /^sh -c '(.*)'$/s.exec(command);
  return m ? (m[1] ?? "").replaceAll(`'"'"'`, "'") : command;
}

const KNOWN = new Set([
  "true",
  "false",
  "echo",
  "test",
  "mkdir",
  "rm",
  "cp",
  "chown",
  "chmod",
  "git",
  "ls",
  "cat",
  "sleep",
  "systemctl",
  "journalctl",
  "if",
  "printf",
  "install",
  "set",
]);

export class SyntheticMachine implements Machine {
  readonly name: string;
  readonly commands: string[] = [];
  destroyed = false;
  private bootId = 0;
  private readonly evidence: ReadinessEvidence;
  private readonly agent: AgentState = { tracked: null, applied: null, clock: 1_000, units: new Map() };

  constructor(
    readonly spec: MachineSpec,
    private readonly options: SyntheticOptions,
  ) {
    this.name = `coreops-verify-${spec.runId}`;
    this.evidence = {
      final_status: "pending",
      accepted: [],
      rejected: [],
      waited_ms: 0,
      console_path: join(spec.runDir, "console.log"),
    };
  }

  get runId(): string {
    return this.spec.runId;
  }

  async start(): Promise<void> {
    if ((this.options.failStarts ?? 0) > 0) {
      this.options.failStarts = (this.options.failStarts ?? 1) - 1;
      const error = this.options.startError?.() ?? new Error("synthetic: domain failed to start (injected)");
      await mkdir(this.spec.runDir, { recursive: true });
      await this.console(["synthetic boot", `synthetic failure: ${error.message}`]);
      throw error;
    }
    await mkdir(this.spec.runDir, { recursive: true });
    // The real config of this run, unredacted: the bundle writer must redact it.
    await writeFile(join(this.spec.runDir, "rendered-ignition.ign"), this.ignitionConfig());
    const lines = this.options.consoleLines;
    await this.console([
      "synthetic boot",
      ...(typeof lines === "function" ? lines(this.spec) : (lines ?? [])),
    ]);
  }

  /** This run's Ignition config, as the guest reads it from fw_cfg. */
  private ignitionConfig(): string {
    const { secrets } = this.spec;
    return renderIgnitionConfig(
      buildIgnitionConfig({
        runId: this.spec.runId,
        token: secrets.token,
        sshUser: "core",
        adminGroup: "sudo",
        authorizedKey: secrets.clientKey.publicKey,
        hostKey: secrets.hostKey,
        deliveryMount: this.spec.deliveries.length > 0,
      }),
    );
  }

  /** Files of the simulated guest that carry this run's secrets (what Ignition wrote, and its config). */
  private secretFile(path: string): string | undefined {
    if (path === "/sys/firmware/qemu_fw_cfg/by_name/opt/com.coreos/config/raw") return this.ignitionConfig();
    if (path === "/etc/ssh/ssh_host_ed25519_key") return this.spec.secrets.hostKey.privateKey;
    return undefined;
  }

  private async console(lines: string[]): Promise<void> {
    const { appendFile } = await import("node:fs/promises");
    await appendFile(this.consolePath(), `${lines.join("\n")}\n`);
  }

  private record(): ReadinessRecord {
    this.bootId += 1;
    return {
      run_id: this.spec.runId,
      token: this.spec.secrets.token,
      ip: "192.0.2.10",
      boot_id: `boot-${this.bootId}`,
      hostname: "synthetic",
      ts: new Date().toISOString(),
    };
  }

  async waitReady(): Promise<ReadinessRecord> {
    if (this.options.neverReady === true) {
      this.evidence.final_status = "timed_out";
      throw new ReadinessTimeoutError(1, 1, this.consolePath());
    }
    const rec = this.record();
    this.evidence.accepted.push(rec);
    this.evidence.final_status = "accepted";
    await this.console([`CORE_OPS_VERIFY_READY ${JSON.stringify(rec)}`]);
    return rec;
  }

  async reboot(): Promise<ReadinessRecord> {
    for (const u of this.agent.units.values()) u.enteredAt = ++this.agent.clock;
    return this.waitReady();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    const inner = unwrapShell(command);
    const res = (
      exitCode: number,
      stdout = "",
      stderr = "",
      durationMs = 5,
      timedOut = false,
    ): ExecResult => ({
      command,
      exitCode,
      stdout,
      stderr,
      durationMs,
      timedOut,
    });
    const sleep = /^sleep ([0-9.]+)$/.exec(inner.trim());
    if (sleep) {
      const ms = Number(sleep[1]) * 1000;
      const limit = options.timeoutMs ?? Number.POSITIVE_INFINITY;
      return ms > limit ? res(124, "", "", limit, true) : res(0, "", "", ms);
    }
    if (inner.includes("fail-step")) return res(1, "", "synthetic failure");
    const bin = this.deliveredPath("core-ops");
    if (inner.startsWith(`${bin} `)) return this.agentCommand(inner.slice(bin.length + 1).split(" "), res);
    const word = inner.trim().split(/\s+/)[0] ?? "";
    if (!KNOWN.has(word)) return res(127, "", `sh: 1: ${word}: not found`);
    if (word === "systemctl" && inner.startsWith("systemctl show")) {
      // One `systemctl show …; echo <marker>` per unit (GuestFacts.prefetchUnits) or a single show.
      const parts = inner.split("; ");
      const out = parts
        .map((part) => (part.startsWith("echo ") ? `${part.slice(5)}\n` : `${this.show(part, res).stdout}\n`))
        .join("");
      return res(0, parts.length === 1 ? out.trimEnd() : out);
    }
    const secret = word === "cat" ? this.secretFile(inner.trim().split(/\s+/)[1] ?? "") : undefined;
    if (secret !== undefined) return res(0, secret);
    if (word === "cat" && inner.includes("status.json")) {
      return this.agent.tracked === null
        ? res(1, "", "cat: /var/lib/core-ops/status.json: No such file or directory")
        : res(0, JSON.stringify(this.status()));
    }
    const frontendFile = inner.includes("/etc/frontend/index.html") && this.agent.applied !== null;
    if (word === "if") return res(0, frontendFile ? "644\n" : "absent\n");
    if (word === "cat" && frontendFile) return res(0, `frontend ${this.agent.applied}\n`);
    return res(0, word === "journalctl" ? "-- synthetic journal --\n" : "");
  }

  private status(): Record<string, unknown> {
    const commit = (rev: string | null) =>
      rev === null ? null : rev.padEnd(40, "0").replace(/[^0-9a-f]/g, "a");
    return {
      schema_version: 1,
      desired_state: { repository: "file:///synthetic", requested_ref: this.agent.tracked },
      reconciliation: { last_applied_revision: commit(this.agent.applied) },
    };
  }

  private agentCommand(
    args: string[],
    res: (code: number, out?: string, err?: string) => ExecResult,
  ): ExecResult {
    const json = args.includes("--json");
    const pending = this.agent.tracked !== null && this.agent.tracked !== this.agent.applied ? 1 : 0;
    switch (args[0]) {
      case "init":
        this.agent.tracked = args[2] ?? null;
        return res(0, `Tracking ${args[1]} at ${args[2]}\n`);
      case "plan":
        if (this.agent.tracked === null) return res(1, "", "no tracked repository: run core-ops init");
        return res(
          0,
          json
            ? JSON.stringify({
                view_kind: "plan",
                summary: {
                  changed_count: 3 * pending,
                  unchanged_count: 3 - 3 * pending,
                  actions: {
                    create: this.agent.applied === null ? 3 : 0,
                    update: this.agent.applied === null ? 0 : pending,
                  },
                },
                entries: [
                  "file//etc/frontend/index.html",
                  "container/frontend.container",
                  "service/ticker.service",
                ].map((id) => ({ object: { display_id: id }, action: pending ? "create" : "no_op" })),
              })
            : `${pending} to change\n`,
        );
      case "apply": {
        if (this.agent.tracked === null) return res(1, "", "no tracked repository: run core-ops init");
        if (pending) {
          this.agent.applied = this.agent.tracked;
          const now = ++this.agent.clock;
          const demo = this.agent.units.get("frontend.service");
          this.agent.units.set("frontend.service", {
            active: true,
            enteredAt: now,
            restarts: demo?.restarts ?? 0,
          });
          if (!this.agent.units.has("ticker.service")) {
            this.agent.units.set("ticker.service", { active: true, enteredAt: now, restarts: 0 });
          }
        }
        const view = { view_kind: "result", outcome: "converged", summary: { changed_count: pending } };
        return res(0, json ? JSON.stringify(view) : `Outcome: converged\n`);
      }
      case "status":
        return res(
          0,
          json ? JSON.stringify({ view_kind: "status", ...this.status() }) : "synthetic status\n",
        );
      default:
        return res(2, "", `unknown command ${args[0]}`);
    }
  }

  private show(inner: string, res: (code: number, out?: string) => ExecResult): ExecResult {
    const unit = (inner.split(" -- ")[1] ?? "").replaceAll("'", "").trim();
    const props = [...inner.matchAll(/-p ([A-Za-z]+)/g)].map((m) => m[1] ?? "");
    const u = this.agent.units.get(unit);
    const values: Record<string, string> = {
      ActiveState: u?.active ? "active" : "inactive",
      SubState: u?.active ? "running" : "dead",
      LoadState: u ? "loaded" : "not-found",
      NRestarts: String(u?.restarts ?? 0),
      ActiveEnterTimestamp: u ? `synthetic-${u.enteredAt}` : "",
    };
    return res(0, props.map((p) => `${p}=${values[p] ?? ""}`).join("\n"));
  }

  async upload(): Promise<void> {}
  async fetch(): Promise<void> {}
  consolePath(): string {
    return this.evidence.console_path;
  }
  async journal(): Promise<string> {
    return "-- synthetic journal --\n";
  }
  deliveredPath(name: string): string {
    return `${GUEST_DELIVERY_DIR}/${name}`;
  }
  readinessEvidence(): ReadinessEvidence {
    return structuredClone(this.evidence);
  }
  accessInfo(): AccessInfo {
    return {
      ssh: "(synthetic: no guest)",
      consolePath: this.consolePath(),
      virshConsole: "(synthetic)",
      destroy: destroyCommand(this.runId),
    };
  }
  async destroy(options?: { retain?: boolean }): Promise<DestroyReport> {
    this.destroyed = !options?.retain;
    return {
      domainRemoved: !options?.retain,
      volumesRemoved: [],
      filesRemoved: false,
      retained: options?.retain ?? false,
      errors: [],
      durationMs: 1,
    };
  }
}

export function syntheticHypervisor(options: SyntheticOptions = {}): Hypervisor {
  return {
    uri: "synthetic://",
    image: {
      name: "synthetic",
      descriptorPath: "(synthetic)",
      sshUser: "core",
      adminGroup: "sudo",
      localContainerImages: ["localhost/busybox"],
      identity: {
        name: "synthetic",
        recipe_hash: null,
        package_set_digest: packageSetDigest({}),
        disk_digest: null,
        kernel_version: null,
        ignition_version: null,
      },
    },
    async createMachine(spec: MachineSpec): Promise<Machine> {
      // The libvirt machine layer's rule for run ids (they name the domain); checked here too.
      if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(spec.runId)) {
        throw new Error(
          `run id ${JSON.stringify(spec.runId)} must match /^[a-z0-9][a-z0-9-]{0,47}$/ (it names the domain)`,
        );
      }
      const m = new SyntheticMachine(spec, options);
      options.created?.push(m);
      return m;
    },
  };
}
