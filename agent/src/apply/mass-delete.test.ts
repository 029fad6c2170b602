/** The one mass-delete guard: more than half of the managed objects deleted is refused unless allowed. */
import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { massDeleteRefusal, refuseMassDelete } from "./mass-delete.js";

describe("mass delete", () => {
  it("refuses to delete more than half of the managed objects unless allowed", () => {
    const objects = [{ action: "delete" }, { action: "delete" }, { action: "no_op" }] as const;
    expect(massDeleteRefusal(objects)).toBe("the plan deletes 2 of 3 managed objects (more than half)");
    expect(() => refuseMassDelete(objects, false, "/repo/hosts/h1/host.yaml")).toThrow(CoreOpsError);
    try {
      refuseMassDelete(objects, false, "/repo/hosts/h1/host.yaml");
    } catch (err) {
      expect(err).toMatchObject({ code: "mass_delete_refused", file: "/repo/hosts/h1/host.yaml" });
    }
    expect(() => refuseMassDelete(objects, true, "/repo/hosts/h1/host.yaml")).not.toThrow();
    expect(massDeleteRefusal([{ action: "delete" }, { action: "no_op" }])).toBeNull();
    // Creates are not managed yet: they do not dilute the deletes.
    expect(
      massDeleteRefusal([{ action: "delete" }, { action: "create" }, { action: "create" }]),
    ).not.toBeNull();
  });
});
