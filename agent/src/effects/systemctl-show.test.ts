import { describe, expect, it } from "vitest";
import { parseSystemctlShow } from "./systemctl-show.js";

describe("parseSystemctlShow", () => {
  it("reads one block per unit, named by Id", () => {
    const out =
      "Id=frontend.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=generated\n\n" +
      "Id=var-lib-immich-media.mount\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n";
    const m = parseSystemctlShow(out, ["frontend.service", "var-lib-immich-media.mount"]);
    expect(m.get("frontend.service")).toEqual({
      unit: "frontend.service",
      loadState: "loaded",
      activeState: "failed",
      subState: "failed",
      unitFileState: "generated",
    });
    expect(m.get("var-lib-immich-media.mount")?.loadState).toBe("not-found");
  });

  it("falls back to the given order when Id is missing", () => {
    const m = parseSystemctlShow("ActiveState=active\n\nActiveState=inactive\n", ["a.service", "b.service"]);
    expect(m.get("a.service")?.activeState).toBe("active");
    expect(m.get("b.service")?.activeState).toBe("inactive");
  });
});
