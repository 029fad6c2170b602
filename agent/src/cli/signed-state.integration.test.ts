/**
 * Signed desired state end to end (README "Signed desired state"): keys generated here with ssh-keygen,
 * commits and tags signed with real git, the compiled CLI as a real process on an offline root.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../desired/test-support/git.js";
import { demoTree, Fixture } from "./test-support/cli-fixture.js";

let f: Fixture;
let alice: string;
let mallory: string;
let allowed: string;
beforeAll(() => {
  f = new Fixture();
  const key = (name: string) => {
    const p = join(f.dir, name);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", p]);
    return p;
  };
  alice = key("alice");
  mallory = key("mallory");
  allowed = join(f.dir, "allowed_signers");
  writeFileSync(allowed, `alice@example.com namespaces="git" ${readFileSync(`${alice}.pub`, "utf8")}`);
});
afterAll(() => f.cleanup());

const signing = (k: string) => ["-c", "gpg.format=ssh", "-c", `user.signingkey=${k}.pub`];
/** Commits `tree` (unsigned), then re-commits it signed with `k` when given; moves tag `tag` there. */
function commit(tree: Record<string, string>, tag: string, k: string | null): string {
  const rev = f.commit(tree, tag);
  if (k === null) return rev;
  git(f.repo, ...signing(k), "commit", "-q", "--amend", "--no-edit", "-S");
  git(f.repo, "tag", "-f", tag);
  return git(f.repo, "rev-parse", "HEAD");
}
const env = { CORE_OPS_ALLOWED_SIGNERS: "" };
const apply = (extra: Record<string, string> = {}) =>
  f.run(["apply", ...f.args()], { ...env, CORE_OPS_ALLOWED_SIGNERS: allowed, ...extra });
const appEnv = () =>
  existsSync(join(f.root, "etc/web/app.env")) ? readFileSync(join(f.root, "etc/web/app.env"), "utf8") : null;

describe("CORE_OPS_ALLOWED_SIGNERS", () => {
  it("applies a commit signed by an allowed signer; refuses unsigned and wrongly signed commits", () => {
    const v1 = commit(demoTree("1"), "v1", alice);
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
    const ok = apply({ GIT_CONFIG_PARAMETERS: "" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(appEnv()).toBe("VERSION=1\n");
    const plan = f.run(["plan", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"], {
      CORE_OPS_ALLOWED_SIGNERS: allowed,
    });
    expect(plan.stdout).toMatch(
      /signature: commit [0-9a-f]{8} signed by alice@example\.com \(ED25519 key SHA256:/,
    );

    const v2 = commit(demoTree("2"), "v2", null);
    const unsigned = apply();
    expect(unsigned.status).toBe(1);
    expect(unsigned.stderr).toContain(
      `error[unsigned_revision]: ${allowed}: refusing main: commit ${v2} is not signed`,
    );
    expect(unsigned.stderr).toContain("signed by nobody");
    expect(appEnv()).toBe("VERSION=1\n");

    const v3 = commit(demoTree("3"), "v3", mallory);
    const wrong = apply();
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(
      new RegExp(
        `error\\[signature_not_allowed\\]: .*commit ${v3} is not signed by an allowed signer: it is signed by ED25519 key SHA256:\\S+, which is not an allowed signer`,
      ),
    );
    // The caller's environment cannot widen trust: a GIT_CONFIG_PARAMETERS naming mallory's file is ignored.
    const permissive = join(f.dir, "permissive");
    writeFileSync(permissive, `m@example.com ${readFileSync(`${mallory}.pub`, "utf8")}`);
    const sneaky = apply({ GIT_CONFIG_PARAMETERS: `'gpg.ssh.allowedsignersfile'='${permissive}'` });
    expect(sneaky.status).toBe(1);
    expect(sneaky.stderr).toContain("signature_not_allowed");
    const agent = f.run(["agent", ...f.args()], { CORE_OPS_ALLOWED_SIGNERS: allowed });
    expect(agent.status).toBe(1);
    expect(JSON.parse(agent.stdout)).toMatchObject({ outcome: "error" });
    expect(appEnv()).toBe("VERSION=1\n");
    expect(JSON.parse(readFileSync(f.stateFile, "utf8")).reconciliation.last_applied_revision).toBe(v1);
    // Without the variable nothing is required.
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    expect(appEnv()).toBe("VERSION=3\n");
  });

  it("a tracked annotated tag must carry the signature; a namespace other than git is refused", () => {
    commit(demoTree("4"), "v4", null);
    git(f.repo, ...signing(alice), "tag", "-s", "-f", "-m", "release 4", "rel-4");
    git(f.repo, ...signing(mallory), "tag", "-s", "-f", "-m", "release 4 by mallory", "rel-4m");
    expect(f.run(["init", f.repo, "rel-4", "--force", "--state-file", f.stateFile]).status).toBe(0);
    const ok = apply();
    expect(ok.status, ok.stderr).toBe(0);
    expect(appEnv()).toBe("VERSION=4\n");
    expect(f.run(["init", f.repo, "rel-4m", "--force", "--state-file", f.stateFile]).status).toBe(0);
    const wrong = apply();
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(
      /refusing rel-4m: annotated tag rel-4m \([0-9a-f]{8}\) of commit [0-9a-f]{40} is not signed/,
    );

    expect(f.run(["init", f.repo, "rel-4", "--force", "--state-file", f.stateFile]).status).toBe(0);
    const fileOnly = join(f.dir, "allowed_file_ns");
    writeFileSync(fileOnly, `alice@example.com namespaces="file" ${readFileSync(`${alice}.pub`, "utf8")}`);
    const ns = apply({ CORE_OPS_ALLOWED_SIGNERS: fileOnly });
    expect(ns.status).toBe(1);
    expect(ns.stderr).toContain('does not permit for the "git" namespace');
    const missing = apply({ CORE_OPS_ALLOWED_SIGNERS: join(f.dir, "nope") });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("error[allowed_signers_unreadable]");
  });
});
