import { describe, expect, it } from "vitest";
import { renderStatus } from "./render-status.js";
import type { StatusView } from "./status-view.js";

const REV = "a".repeat(40);
const controller = {
  version: "0.3.0",
  revision: "b".repeat(40),
  build_time: null,
  tree_state: "clean" as const,
};
const holder = {
  pid: 4242,
  start_ticks: 1,
  boot_id: null,
  host: "h",
  command: "apply",
  acquired_at: "2026-11-30T10:00:00.000Z",
};

function view(lock: StatusView["lock"]): StatusView {
  return {
    view_kind: "status",
    schema_version: 1,
    state_file: "/var/lib/core-ops/status.json",
    status: "present",
    absent_reason: null,
    running_controller: controller,
    migrated_from: null,
    lock,
    admission: null,
    snapshot: {
      schema_version: 2,
      controller,
      desired_state: null,
      hold: null,
      inventory: [],
      reconciliation: {
        generation: 3,
        status: "in_progress",
        running: true,
        last_attempted_revision: REV,
        last_applied_revision: null,
        last_started_at: "2026-11-30T10:00:00Z",
        last_finished_at: null,
      },
    },
  };
}

describe("status rendering of the lock", () => {
  it("an in_progress run whose lock holder is alive is running; one left by a dead process is interrupted", () => {
    const p = "/run/core-ops/agent.lock";
    const live = renderStatus(view({ path: p, state: "held", holder, liveness: "alive" }));
    expect(live).toContain("reconciliation: in_progress (generation 3), running");
    expect(live).toContain("lock: held by pid 4242 on h (apply) since 2026-11-30T10:00:00.000Z, running");
    const dead = renderStatus(view({ path: p, state: "held", holder, liveness: "dead" }));
    expect(dead).toContain("in_progress (generation 3), interrupted (no live run holds the lock)");
    expect(dead).toContain("lock: stale — held by pid 4242");
    const free = renderStatus(view({ path: p, state: "free", holder: null, liveness: null }));
    expect(free).toContain("interrupted");
    expect(free).toContain(`lock: free (${p})`);
  });
});
