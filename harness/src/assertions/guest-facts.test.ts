import { describe, expect, it } from "vitest";
import { HarnessLog } from "../harness-log.js";
import { generateRunSecrets } from "../ignition/run-secrets.js";
import { type SyntheticMachine, syntheticHypervisor } from "../run/synthetic.js";
import { ScenarioMachine } from "../steps/verbs.js";
import { GuestFacts } from "./guest-facts.js";

describe("guest facts", () => {
  it("reads the properties of several units with one guest command and caches files", async () => {
    const m = (await syntheticHypervisor().createMachine({
      runId: "facts",
      vcpus: 1,
      memoryMiB: 256,
      runDir: "/tmp/core-ops-facts-test",
      deliveries: [],
      secrets: generateRunSecrets("facts"),
    })) as SyntheticMachine;
    const bin = m.deliveredPath("core-ops");
    await m.exec(`${bin} init file:///x v1`);
    await m.exec(`${bin} apply`);
    const facts = new GuestFacts(new ScenarioMachine(m, new HarnessLog()));
    const before = m.commands.length;
    await facts.prefetchUnits(
      new Map([
        ["ticker.service", new Set(["ActiveState", "LoadState"])],
        ["frontend.service", new Set(["SubState"])],
        ["gone.service", new Set(["LoadState"])],
      ]),
    );
    expect(await facts.unitProperties("frontend.service", ["SubState"])).toEqual({ SubState: "running" });
    expect(await facts.unitProperties("ticker.service", ["ActiveState"])).toMatchObject({
      ActiveState: "active",
    });
    expect(await facts.unitProperties("gone.service", ["LoadState"])).toEqual({ LoadState: "not-found" });
    await facts.cat("/var/lib/core-ops/status.json");
    await facts.cat("/var/lib/core-ops/status.json");
    expect(m.commands.length - before).toBe(2);
  });
});
