/**
 * The unattended installation of the agent (README "Apply, the timer agent and the single-file binary"):
 * the guest's Ignition config carries `core-ops.service`, its `CORE_OPS_REPO`/`CORE_OPS_REV` drop-in and
 * `core-ops.timer` exactly as `node agent/deploy/render.mjs --format ignition` renders them for a Fedora
 * CoreOS host. Three deliberate additions, none of them inside the rendered units:
 * - the binary: the rendered config downloads it from a URL and checks its SHA-512; a guest here reaches
 *   no URL, so that one file entry is replaced by a link to the read-only delivery disk (the URL + SHA-512
 *   path is covered by `ignition-validate` and by the render tests of agent/deploy/);
 * - a timer drop-in with a short schedule, so a scenario sees several ticks within minutes;
 * - the host name, as a Fedora CoreOS host gets it from its Ignition config (the agent selects
 *   `hosts/<hostname>/` when neither `--host` nor `CORE_OPS_HOST` is given), with its `/etc/hosts` line
 *   (sudo resolves the host name; without the line it waits for DNS the guest does not have).
 * `agentInstallExtras` is pure; `renderAgentIgnition` runs render.mjs.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { type IgnitionExtras, type IgnitionUnit, ignitionFile } from "./config.js";

/** Where render.mjs installs the binary (and where core-ops.service runs it from). */
export const AGENT_BINARY_PATH = "/usr/local/bin/core-ops";
export const TIMER_DROPIN_NAME = "50-core-ops-verify-schedule.conf";

/** The parts of render.mjs's `--format ignition` output this module uses. */
export interface RenderedAgentIgnition {
  ignition: { version: string };
  storage: {
    directories?: { path: string; mode: number }[];
    files: { path: string; mode: number; contents: { source: string; verification?: { hash: string } } }[];
  };
  systemd: { units: IgnitionUnit[] };
}

export interface AgentSchedule {
  /** systemd time spans, e.g. "60s". */
  onBootSec: string;
  onUnitActiveSec: string;
}

/**
 * The timer drop-in. An empty `OnBootSec=` resets *every* `On*Sec=` setting of the unit (not only
 * OnBootSec), so both monotonic triggers are set again after it; no random delay, and a 1 s accuracy
 * instead of the default minute.
 */
export function scheduleDropin(schedule: AgentSchedule): string {
  return [
    "# core-ops-verify: a short schedule, so a scenario sees several unattended ticks",
    "[Timer]",
    "OnBootSec=",
    `OnBootSec=${schedule.onBootSec}`,
    `OnUnitActiveSec=${schedule.onUnitActiveSec}`,
    "RandomizedDelaySec=0",
    "AccuracySec=1s",
    "",
  ].join("\n");
}

/** Pure: render.mjs's config → the extras for the run's config (see the module comment). */
export function agentInstallExtras(
  rendered: RenderedAgentIgnition,
  opts: { binaryPath: string; hostname?: string; schedule: AgentSchedule },
): IgnitionExtras {
  const binary = rendered.storage.files.filter((f) => f.path === AGENT_BINARY_PATH);
  const others = rendered.storage.files.filter((f) => f.path !== AGENT_BINARY_PATH);
  if (binary.length !== 1 || others.length !== 0) {
    throw new Error(
      `render.mjs --format ignition: expected exactly one file, ${AGENT_BINARY_PATH}; got ${rendered.storage.files.map((f) => f.path).join(", ") || "none"}`,
    );
  }
  const timer = rendered.systemd.units.find((u) => u.name === "core-ops.timer");
  if (!timer || !rendered.systemd.units.some((u) => u.name === "core-ops.service")) {
    throw new Error("render.mjs --format ignition: core-ops.service or core-ops.timer is missing");
  }
  const units = rendered.systemd.units.map((u) =>
    u === timer
      ? {
          ...u,
          dropins: [
            ...(u.dropins ?? []),
            { name: TIMER_DROPIN_NAME, contents: scheduleDropin(opts.schedule) },
          ],
        }
      : u,
  );
  return {
    directories: rendered.storage.directories ?? [],
    files: opts.hostname === undefined ? [] : hostnameFiles(opts.hostname),
    links: [{ path: AGENT_BINARY_PATH, target: opts.binaryPath, hard: false, overwrite: true }],
    units,
  };
}

function hostnameFiles(hostname: string) {
  return [
    ignitionFile("/etc/hostname", 0o644, `${hostname}\n`),
    ignitionFile(
      "/etc/hosts",
      0o644,
      `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    ),
  ];
}

export async function sha512File(path: string): Promise<string> {
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Runs `node agent/deploy/render.mjs --format ignition` of the repository at `repoRoot`. */
export async function renderAgentIgnition(
  repoRoot: string,
  opts: { repo: string; rev: string; binarySha512: string },
): Promise<RenderedAgentIgnition> {
  const script = join(repoRoot, "agent", "deploy", "render.mjs");
  const r = await execa(
    process.execPath,
    [
      script,
      "--format",
      "ignition",
      // Never fetched: agentInstallExtras replaces this entry with a link to the delivered binary.
      "--url",
      "https://core-ops.invalid/core-ops",
      "--sha512",
      opts.binarySha512,
      "--repo",
      opts.repo,
      "--rev",
      opts.rev,
    ],
    { reject: false },
  );
  if (r.exitCode !== 0) throw new Error(`${script} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as RenderedAgentIgnition;
}
