import { describe, expect, it } from "vitest";
import { listMachines, renderMachineList } from "./machine-list.js";
import type { Owner } from "./owner.js";

const owner = (pid: number, started_at = "2026-11-30T10:00:00.000Z"): Owner => ({
  run_id: "x",
  host: "h",
  pid,
  pid_start: "1",
  started_at,
});
const alive = (o: Owner) => o.pid === 1;
const now = new Date("2026-11-30T12:00:00.000Z");
const retained = {
  run_id: "kept",
  domain: "coreops-verify-kept",
  retained_at: "2026-11-30T11:00:00.000Z",
  ssh: "ssh -i /k -p 2222 core@127.0.0.1",
  virsh_console: "virsh console coreops-verify-kept",
  console_path: "/c",
};

describe("listMachines", () => {
  it("gives each run its state, age, ssh command and how to remove it", () => {
    const list = listMachines(
      {
        domains: [
          { name: "coreops-verify-kept", owner: owner(2) },
          { name: "coreops-verify-live", owner: owner(1, "2026-11-30T11:59:00.000Z") },
          { name: "coreops-verify-gone", owner: owner(3) },
          { name: "coreops-verify-anon", owner: undefined },
          { name: "unrelated", owner: undefined },
        ],
        runDirs: [
          { runId: "kept", owner: owner(2), retained },
          { runId: "stray", owner: owner(4), retained: undefined },
        ],
      },
      alive,
      now,
    );
    expect(list.map((m) => [m.run_id, m.state, m.age_seconds])).toEqual([
      ["anon", "unowned", null],
      ["gone", "orphaned", 7200],
      ["kept", "retained", 7200],
      ["live", "running", 60],
      ["stray", "orphaned", 7200],
    ]);
    const kept = list.find((m) => m.run_id === "kept");
    expect(kept?.ssh).toBe(retained.ssh);
    expect(kept?.remove_with).toBe("core-ops-verify machine destroy kept");
    expect(list.find((m) => m.run_id === "stray")?.domain).toBeNull();
    const text = renderMachineList(list);
    expect(text).toContain("kept  retained  age 2h  domain coreops-verify-kept");
    expect(text).toContain(`  ssh: ${retained.ssh}`);
    expect(text).toContain("live  running  age 60s");
  });

  it("says so when there is nothing", () => {
    expect(renderMachineList([])).toBe("no coreops-verify machines\n");
  });
});
