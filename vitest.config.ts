import { defineConfig } from "vitest/config";

// Two projects (DESIGN §1): "unit" is `npm test` — fast, no VM, no apt; "scenarios" turns each
// scenarios/**/*.yaml into one Vitest test that boots a real VM (added by the harness's scenario layer).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["agent/src/**/*.test.ts", "harness/src/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
