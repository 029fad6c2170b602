/**
 * The one way the agent runs the system `git`: a minimal environment (nothing inherited but PATH and HOME,
 * so no `GIT_*` variable of the caller steers it), the transports pinned to file, https and ssh on the
 * command line (so `ext::` and other remote helpers stay impossible whatever the environment or a config
 * file says), and a time limit that ends git with everything it started (its process group).
 */
import { spawn } from "node:child_process";
import { CoreOpsError, ExitCode } from "../errors.js";

/** `-c` options before every git command. Command-line config wins over every config file. */
export const GIT_HARDENING_ARGS: readonly string[] = [
  "-c",
  "protocol.allow=never",
  "-c",
  "protocol.file.allow=always",
  "-c",
  "protocol.https.allow=always",
  "-c",
  "protocol.ssh.allow=always",
  // A config file's protocol.ext.allow would beat protocol.allow; this one beats the config file.
  "-c",
  "protocol.ext.allow=never",
  // A repository's own config must not run programs when git only reads it (plan --source-repo).
  "-c",
  "core.fsmonitor=false",
];

/**
 * The environment git runs with: PATH and HOME of the caller (HOME holds root's SSH configuration), never a
 * prompt on a terminal, and with `CORE_OPS_GIT_SSH_KEY` an ssh that uses only that deploy key and checks host
 * keys strictly against `CORE_OPS_GIT_KNOWN_HOSTS` (never StrictHostKeyChecking=no). Nothing else is inherited.
 */
export function gitEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  if (env.PATH !== undefined) out.PATH = env.PATH;
  if (env.HOME !== undefined) out.HOME = env.HOME;
  const key = env.CORE_OPS_GIT_SSH_KEY;
  if (key) {
    const knownHosts = env.CORE_OPS_GIT_KNOWN_HOSTS;
    if (!knownHosts) {
      throw new CoreOpsError("CORE_OPS_GIT_SSH_KEY is set but CORE_OPS_GIT_KNOWN_HOSTS is not", {
        code: "git_known_hosts_missing",
        field: "CORE_OPS_GIT_KNOWN_HOSTS",
        exitCode: ExitCode.usage,
        hint: "set CORE_OPS_GIT_KNOWN_HOSTS to a known_hosts file holding the git server's host key (ssh-keyscan, verified)",
      });
    }
    out.GIT_SSH_COMMAND = [
      "ssh",
      "-i",
      shellQuote(key),
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${shellQuote(knownHosts)}`,
      "-o",
      "BatchMode=yes",
    ].join(" ");
  }
  return out;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface GitRunOptions {
  cwd: string;
  /** Already minimal (`gitEnvironment`). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/**
 * Runs `git <hardening> <args>`. On the time limit the whole process group is killed (git fetch runs
 * upload-pack or ssh as children, which would otherwise keep the pipes open and the caller waiting).
 */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn("git", [...GIT_HARDENING_ARGS, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stdout, stderr: `${stderr}${err.message}\n`, timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? 128, stdout, stderr, timedOut });
    });
  });
}
