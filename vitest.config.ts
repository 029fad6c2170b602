import { defineConfig } from "vitest/config";
import { verifyJobs } from "./harness/src/vitest/jobs.js";
import { scenarioPlugin } from "./harness/src/vitest/plugin.js";

// Three projects: "unit" is `npm test` — fast, no VM, no apt; "scenarios" turns each scenarios/**/*.yaml
// into one Vitest test that boots a real VM (harness/src/vitest/); "vm" tests the machine layer itself.
const jobs = verifyJobs();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["agent/src/**/*.test.ts", "harness/src/**/*.test.ts", "scripts/**/*.test.mjs"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [scenarioPlugin()],
        test: {
          name: "scenarios",
          include: ["scenarios/**/*.yaml"],
          environment: "node",
          globalSetup: ["harness/src/vitest/global-setup.ts"],
          // VMs are queued: one test file (= one scenario = one VM) per worker.
          maxWorkers: jobs,
          fileParallelism: jobs > 1,
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
        },
      },
      {
        // The machine layer against real VMs (contract test, SIGINT teardown, ignition-validate): one VM at a
        // time, never part of `npm test`. Run by `npm run verify:machine`.
        test: {
          name: "vm",
          include: ["harness/src/**/*.vm.ts"],
          globalSetup: ["harness/src/machine.vm-setup.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
