/**
 * Signed desired state (README "Signed desired state"): with `CORE_OPS_ALLOWED_SIGNERS=<file>` (git's SSH
 * allowed-signers format), the fetched commit — or, when the ref is an annotated tag, the tag — must carry
 * a valid SSH signature by a signer of that file before anything is planned. The check is git's own
 * (`verify-commit` / `verify-tag` with `gpg.format=ssh`, ssh-keygen underneath; a `namespaces="git"` option
 * in the file is enforced by ssh-keygen). Trust comes only from that file: the settings are passed with
 * `-c`, system and global git configuration are not read, and the environment is the minimal one
 * (git-command.ts), so neither the repository nor the caller's `GIT_*` variables can widen it.
 */
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import { CoreOpsError, ExitCode } from "../errors.js";
import { gitEnvironment, runGit } from "./git-command.js";

export interface SignatureCheck {
  object: "commit" | "tag";
  /** The id of the verified object (the tag object for an annotated tag). */
  id: string;
  /** The allowed-signers principal that signed it. */
  signer: string;
  /** `ED25519 key SHA256:…` */
  key: string;
}

const VERIFY_TIMEOUT_MS = 30_000;

/** `CORE_OPS_ALLOWED_SIGNERS` as an absolute path, or null when signatures are not required. */
export function allowedSignersFile(env: NodeJS.ProcessEnv): string | null {
  const raw = env.CORE_OPS_ALLOWED_SIGNERS?.trim();
  if (raw === undefined || raw === "") return null;
  const file = resolve(raw);
  try {
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new CoreOpsError(`allowed signers file ${file} is not readable: ${(err as Error).message}`, {
      code: "allowed_signers_unreadable",
      file,
      field: "CORE_OPS_ALLOWED_SIGNERS",
      exitCode: ExitCode.usage,
      hint: 'CORE_OPS_ALLOWED_SIGNERS names a file of lines `<principal> [namespaces="git"] <key type> <key>` (git gpg.ssh.allowedSignersFile format)',
    });
  }
  return file;
}

/** Verifies the checkout's FETCH_HEAD (tag or commit) against the allowed signers; throws a typed refusal. */
export async function verifySignature(
  dir: string,
  revision: string,
  ref: string,
  signers: string,
  env: NodeJS.ProcessEnv,
): Promise<SignatureCheck> {
  const gitEnv = { ...gitEnvironment(env), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
  const git = (args: string[]) => runGit(args, { cwd: dir, env: gitEnv, timeoutMs: VERIFY_TIMEOUT_MS });
  const type = await git(["cat-file", "-t", "FETCH_HEAD"]);
  const object = type.stdout.trim() === "tag" ? "tag" : "commit";
  const id = object === "tag" ? (await git(["rev-parse", "FETCH_HEAD"])).stdout.trim() : revision;
  const trust = [
    "-c",
    "gpg.format=ssh",
    "-c",
    `gpg.ssh.allowedSignersFile=${signers}`,
    "-c",
    "gpg.ssh.program=ssh-keygen",
  ];
  const r = await git([...trust, object === "tag" ? "verify-tag" : "verify-commit", "--raw", id]);
  const good = /Good "git" signature for (\S+) with (\S+ key \S+)/.exec(r.stderr);
  if (r.exitCode === 0 && good) return { object, id, signer: good[1] as string, key: good[2] as string };
  throw signatureRefusal({ object, id, revision, ref, signers, stderr: r.stderr, exitCode: r.exitCode });
}

interface Refusal {
  object: "commit" | "tag";
  id: string;
  revision: string;
  ref: string;
  signers: string;
  stderr: string;
  exitCode: number;
}

function signatureRefusal(x: Refusal): CoreOpsError {
  const what =
    x.object === "tag"
      ? `annotated tag ${x.ref} (${x.id.slice(0, 8)}) of commit ${x.revision}`
      : `commit ${x.revision}`;
  const key = /signature (?:for \S+ )?with (\S+ key \S+)/.exec(x.stderr)?.[1];
  const notPermitted = /not permitted for use in signature namespace/.test(x.stderr);
  const noTool = /cannot run ssh-keygen|ssh-keygen: not found|No such file or directory.*ssh-keygen/.test(
    x.stderr,
  );
  const reason = noTool
    ? "ssh-keygen is not installed, so no SSH signature can be verified"
    : notPermitted
      ? `it is signed by ${key ?? "a key"} that ${x.signers} does not permit for the "git" namespace`
      : key === undefined
        ? "it carries no signature (signed by nobody)"
        : `it is signed by ${key}, which is not an allowed signer in ${x.signers}`;
  const unsigned = key === undefined && !noTool && !notPermitted;
  return new CoreOpsError(
    `refusing ${x.ref}: ${what} is not signed by an allowed signer: ${reason}; nothing is planned or applied`,
    {
      code: unsigned ? "unsigned_revision" : "signature_not_allowed",
      file: x.signers,
      field: "CORE_OPS_ALLOWED_SIGNERS",
      hint: `sign the ${x.object === "tag" ? "tag (git tag -s" : "commit (git commit -S"} with gpg.format=ssh) using a key listed in ${x.signers}, or add the signer's key there`,
    },
  );
}
