import { describe, expect, it } from "vitest";
import { autoRollbackEnabled } from "./auto-rollback.js";

describe("CORE_OPS_AUTO_ROLLBACK", () => {
  it("is off unless exactly true; other values are a typed usage error naming the variable", () => {
    expect(autoRollbackEnabled({})).toBe(false);
    expect(autoRollbackEnabled({ CORE_OPS_AUTO_ROLLBACK: "false" })).toBe(false);
    expect(autoRollbackEnabled({ CORE_OPS_AUTO_ROLLBACK: "true" })).toBe(true);
    expect(() => autoRollbackEnabled({ CORE_OPS_AUTO_ROLLBACK: "yes" })).toThrow(
      /CORE_OPS_AUTO_ROLLBACK must be/,
    );
  });
});
