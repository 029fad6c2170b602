/**
 * The loaded check after daemon-reload.
 */
import { describe, expect, it } from "vitest";
import { executePlan } from "./executor.js";
import type { QuadletDryRun } from "./ports.js";
import { file, obj, opts, Q, RecordingSystemd, rootFs } from "./test-support/executor-doubles.js";

describe("loaded check", () => {
  it("explains a Quadlet file that produced no unit with the generator's dry-run and does not start it", async () => {
    const fs = rootFs();
    const sd = new RecordingSystemd();
    sd.states = () => ({ LoadState: "not-found", ActiveState: "inactive", SubState: "dead" });
    const dry: QuadletDryRun = { explain: async (f) => `converting "${f}": unsupported key 'Imagee'` };
    const res = await executePlan(
      [
        obj({
          id: "container/bad.container",
          unit: "bad.service",
          action: "create",
          files: [file(`${Q}/bad.container`, "x")],
        }),
      ],
      { systemd: sd, fs, dryRun: dry },
      opts,
    );
    expect(sd.actions()).toEqual(["daemon-reload"]);
    const failure = res.objects[0]?.failure;
    expect(failure?.reason).toBe("not_loaded");
    expect(failure?.detail).toContain("unsupported key 'Imagee'");
    expect(failure?.detail).toContain("bad.container");
    expect(res.convergence.status).toBe("blocked");
  });
});
