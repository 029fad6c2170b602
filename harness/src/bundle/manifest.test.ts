import { describe, expect, it } from "vitest";
import { collectionStatus, type ManifestEntry } from "./manifest.js";

const e = (required: boolean, present: boolean, error?: string): ManifestEntry => ({
  logical_name: "x",
  relative_path: "x",
  required,
  present,
  failure_specific: false,
  ...(error === undefined ? {} : { error }),
});

describe("collection status", () => {
  it("is complete, partial or failed", () => {
    expect(collectionStatus([e(true, true), e(false, true)])).toBe("complete");
    expect(collectionStatus([e(true, true), e(true, false)])).toBe("partial");
    expect(collectionStatus([e(true, true), e(false, false, "ssh closed")])).toBe("partial");
    expect(collectionStatus([e(true, false), e(false, true)])).toBe("failed");
  });
});
