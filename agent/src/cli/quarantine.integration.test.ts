/**
 * Quarantine end to end (README "Quarantine of a failed revision"): real git, the compiled CLI as a real
 * process, an offline root. A failed apply cannot happen offline (file-level convergence), so the test
 * records the failure the way apply does — `last_failure` with the digest of the failed content — and
 * checks what every command does with it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadDesiredState } from "../desired/load.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import { rfc3339, type Status, StatusSchema } from "../state/status.js";
import type { PlanView } from "../views/plan-view.js";
import type { StatusView } from "../views/status-view.js";
import { demoTree, Fixture } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});
const readState = (f: Fixture): Status => StatusSchema.parse(JSON.parse(readFileSync(f.stateFile, "utf8")));
const appEnv = (f: Fixture) => readFileSync(join(f.root, "etc/web/app.env"), "utf8");

/** v1 applied; main moved to v2 whose apply "failed" (recorded as apply records it). */
async function failedV2(): Promise<{ f: Fixture; v1: string; v2: string; digest: string }> {
  const f = new Fixture();
  fixtures.push(f);
  const v1 = f.commit(demoTree("1"), "v1");
  expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
  expect(f.run(["apply", ...f.args()]).status).toBe(0);
  const v2 = f.commit(demoTree("2"), "v2");
  const digest = desiredTreeDigest(await loadDesiredState(f.repo, "h1", { kind: "git", revision: v2 }));
  const s = readState(f);
  const at = rfc3339(new Date());
  const failed: Status = {
    ...s,
    desired_state: s.desired_state
      ? { ...s.desired_state, last_observed_revision: v2, last_observed_at: at }
      : null,
    reconciliation: {
      ...s.reconciliation,
      generation: s.reconciliation.generation + 1,
      status: "failed",
      last_attempted_revision: v2,
      last_started_at: at,
      last_finished_at: at,
    },
    last_failure: {
      revision: v2,
      finished_at: at,
      outcome: "non_converging",
      convergence_status: "repeated_failure",
      signature: "web.service=failed",
      attempt_count: 2,
      retry_budget: 3,
      failures: [],
      desired_digest: digest,
      failure_count: 1,
    },
  };
  writeFileSync(f.stateFile, `${JSON.stringify(failed, null, 2)}\n`);
  return { f, v1, v2, digest };
}

describe("quarantine of failed content", () => {
  it("agent reports quarantined and exits 0; apply refuses; plan and status show it; --retry-failed applies", async () => {
    const { f, v1, v2 } = await failedV2();
    const agent = f.run(["agent", ...f.args()]);
    expect(agent.status, agent.stderr).toBe(0);
    const line = JSON.parse(agent.stdout) as { outcome: string; reason: string; revision: string };
    expect(line).toMatchObject({ outcome: "quarantined", revision: v2 });
    expect(line.reason).toMatch(/QUARANTINED: .* ended non_converging .*--retry-failed/);
    expect(appEnv(f)).toBe("VERSION=1\n");

    // Same content under another commit (a change this host does not read) stays quarantined.
    const v3 = f.commit({ ...demoTree("2"), "README.md": "docs only\n" }, "v3");
    const apply = f.run(["apply", ...f.args()]);
    expect(apply.status).toBe(1);
    expect(apply.stderr).toMatch(/^error\[quarantined\]: QUARANTINED: the content of [0-9a-f]{8} /m);
    expect(apply.stderr).toContain(`when applied as ${v2.slice(0, 8)}`);
    expect(apply.stderr).toMatch(/hint: .*core-ops apply --retry-failed/);
    expect(appEnv(f)).toBe("VERSION=1\n");
    expect(readState(f).reconciliation.last_applied_revision).toBe(v1);

    const planArgs = ["plan", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"];
    const plan = f.run([...planArgs, "--json"]);
    expect(plan.status, plan.stderr).toBe(0);
    const pv = JSON.parse(plan.stdout) as PlanView;
    expect(pv.admission?.decision).toBe("quarantined");
    expect(pv.admission?.quarantine?.revision).toBe(v2);
    expect(f.run(planArgs).stdout).toMatch(/QUARANTINED: .*To release: push a fix/);

    const stArgs = ["status", "--state-file", f.stateFile, "--lock-path", f.lockPath];
    const sv = JSON.parse(f.run([...stArgs, "--json"]).stdout) as StatusView;
    expect(sv.admission?.decision).toBe("quarantined");
    expect(sv.admission?.quarantine).toMatchObject({
      revision: v2,
      failure_count: 1,
      retry_policy: "backoff",
    });
    expect(f.run(stArgs).stdout).toMatch(
      /^quarantine: content sha256:[0-9a-f]{12} of [0-9a-f]{8} \(non_converging at .*; QUARANTINED$/m,
    );
    const never = f.run(stArgs, { CORE_OPS_RETRY_FAILED: "never" }).stdout;
    expect(never).toContain("no automatic retry (CORE_OPS_RETRY_FAILED=never)");
    expect(f.run(stArgs, { CORE_OPS_RETRY_FAILED: "sometimes" }).status).toBe(2);

    const retried = f.run(["apply", ...f.args(["--retry-failed"])]);
    expect(retried.status, retried.stderr).toBe(0);
    expect(appEnv(f)).toBe("VERSION=2\n");
    const after = readState(f);
    expect(after.reconciliation.last_applied_revision).toBe(v3);
    expect(after.last_failure).toBeNull();
  });

  it("is released by different content and by init --force", async () => {
    const { f } = await failedV2();
    expect(JSON.parse(f.run(["agent", ...f.args()]).stdout).outcome).toBe("quarantined");
    f.commit(demoTree("3"), "v3");
    const agent = f.run(["agent", ...f.args()]);
    expect(agent.status, agent.stderr).toBe(0);
    expect(JSON.parse(agent.stdout).outcome).toBe("converged");
    expect(appEnv(f)).toBe("VERSION=3\n");

    const g = (await failedV2()).f;
    expect(g.run(["apply", ...g.args()]).status).toBe(1);
    expect(g.run(["init", g.repo, "main", "--force", "--state-file", g.stateFile]).status).toBe(0);
    expect(readState(g).last_failure).toBeNull();
    expect(g.run(["apply", ...g.args()]).status).toBe(0);
    expect(appEnv(g)).toBe("VERSION=2\n");
  });

  it("a plain init (same repository and ref) keeps the quarantine", async () => {
    const { f } = await failedV2();
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
    expect(f.run(["apply", ...f.args()]).status).toBe(1);
  });
});
