import { describe, expect, it } from "vitest";
import { admit } from "./admission.js";
import { neverRunReconciliation, type Status } from "./status.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

function status(hold: Status["hold"]): Status {
  return {
    schema_version: 2,
    controller: { version: "0.0.0", revision: "unknown", build_time: null, tree_state: "unknown" },
    desired_state: {
      repository: "/srv/repo",
      requested_ref: "main",
      last_observed_revision: A,
      last_observed_at: null,
    },
    reconciliation: neverRunReconciliation(),
    hold,
    inventory: [],
  };
}
const held = (from: string | null) =>
  status({ held: true, rolled_back_from: from, reason: "rolled back", since: "2026-11-30T10:00:00Z" });

describe("admission (one decision for plan, apply, agent, status)", () => {
  it("goes without a hold", () => {
    expect(admit(null, A).decision).toBe("go");
    expect(admit(status(null), A).decision).toBe("go");
    expect(
      admit(status({ held: false, rolled_back_from: A, reason: "", since: "2026-11-30T10:00:00Z" }), A)
        .decision,
    ).toBe("go");
  });
  it("holds the commit that was rolled back from, and says how to release", () => {
    const a = admit(held(A), A);
    expect(a).toMatchObject({ decision: "held", rolled_back_from: A, since: "2026-11-30T10:00:00Z" });
    expect(a.message).toMatch(/^HELD since 2026-11-30T10:00:00Z: main resolves to aaaaaaaa/);
    expect(a.release_hint).toBe(
      "move main to another commit, or re-attach deliberately with: core-ops init /srv/repo main --force",
    );
  });
  it("releases once the ref resolves to a different commit", () => {
    expect(admit(held(A), B)).toMatchObject({ decision: "released", release_hint: null });
  });
  it("holds when the hold names no commit or the resolution is unknown", () => {
    expect(admit(held(null), B).decision).toBe("held");
    expect(admit(held(A), null).decision).toBe("held");
  });
});
