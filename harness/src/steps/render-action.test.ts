import { describe, expect, it } from "vitest";
import { renderAction, renderFixtureRefMove } from "./render-action.js";

const ctx = {
  binary: "/run/core-ops-verify/delivery/core-ops",
  fixtureUrl: "file:///var/tmp/core-ops-verify/fixture-repo",
  defaultHost: "verify-host",
  resolve: (ref: string) => (ref === "v1" ? "a".repeat(40) : ref),
};

describe("coreops_action rendering (DESIGN §4)", () => {
  it("init takes the fixture URL, the revision and --force", () => {
    expect(renderAction({ action: "init", revision: "v2", force: true }, ctx)).toBe(
      "/run/core-ops-verify/delivery/core-ops init file:///var/tmp/core-ops-verify/fixture-repo v2 --force",
    );
  });
  it("plan and apply act on the tracked ref, with --host and --json", () => {
    expect(renderAction({ action: "plan", mode: "json" }, ctx)).toBe(
      "/run/core-ops-verify/delivery/core-ops plan --host verify-host --json",
    );
    expect(renderAction({ action: "apply", host: "other", output_contract: "machine-readable" }, ctx)).toBe(
      "/run/core-ops-verify/delivery/core-ops apply --host other --json",
    );
  });
  it("resolves rollback_to to the full commit id", () => {
    expect(renderAction({ action: "apply", rollback_to: "v1" }, ctx)).toContain(
      `--rollback-to ${"a".repeat(40)}`,
    );
  });
  it("explain names the object; status takes no host; extra args are quoted", () => {
    expect(
      renderAction({ action: "explain", object: "frontend.service" }, { ...ctx, defaultHost: undefined }),
    ).toBe("/run/core-ops-verify/delivery/core-ops explain frontend.service");
    expect(renderAction({ action: "status", mode: "json", extra_args: ["it's"] }, ctx)).toBe(
      `/run/core-ops-verify/delivery/core-ops status --json 'it'"'"'s'`,
    );
  });
  it("a fixture_ref move is one git update-ref of the guest's fixture copy to the full commit", () => {
    expect(renderFixtureRefMove({ ref: "main", revision: "v1" }, ctx)).toBe(
      `git -C /var/tmp/core-ops-verify/fixture-repo update-ref refs/heads/main ${"a".repeat(40)}`,
    );
  });
});
