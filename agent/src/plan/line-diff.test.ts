import { describe, expect, it } from "vitest";
import { diffLines, unifiedDiff } from "./line-diff.js";

describe("unifiedDiff", () => {
  it("returns null for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n")).toBeNull();
  });

  it("renders a changed line with context", () => {
    const d = unifiedDiff(
      "[Container]\nImage=a:1\nPublishPort=80\n",
      "[Container]\nImage=a:2\nPublishPort=80\n",
    );
    expect(d).toBe(
      "--- previous\n+++ desired\n@@ -1,3 +1,3 @@\n [Container]\n-Image=a:1\n+Image=a:2\n PublishPort=80\n",
    );
  });

  it("renders creation from nothing", () => {
    expect(unifiedDiff("", "x\ny\n")).toBe("--- previous\n+++ desired\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  });

  it("renders deletion to nothing", () => {
    expect(unifiedDiff("x\ny\n", "")).toBe("--- previous\n+++ desired\n@@ -1,2 +0,0 @@\n-x\n-y\n");
  });

  it("keeps every line of both sides in order", () => {
    const lines = diffLines("a\nb\nc\nd\n", "a\nc\nx\nd\n");
    expect(lines.filter((l) => l.op !== "+").map((l) => l.text)).toEqual(["a", "b", "c", "d"]);
    expect(lines.filter((l) => l.op !== "-").map((l) => l.text)).toEqual(["a", "c", "x", "d"]);
  });

  it("splits far-apart changes into separate hunks", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l1\n", "L1\n").replace("l18", "L18");
    const d = unifiedDiff(before, after) as string;
    expect(d.match(/^@@/gm)).toHaveLength(2);
  });
});
