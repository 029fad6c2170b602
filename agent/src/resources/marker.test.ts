import { describe, expect, it } from "vitest";
import { companionCarriesMarker, hasManagedMarker, managedFileBytes, stripManagedMarker } from "./marker.js";

describe("managed marker", () => {
  it("prepends the marker line exactly once", () => {
    const once = managedFileBytes("[Container]\nImage=x\n");
    expect(once.toString()).toBe("# Managed by CoreOps\n[Container]\nImage=x\n");
    expect(managedFileBytes(once).equals(once)).toBe(true);
  });

  it("recognizes only an exact first line", () => {
    expect(hasManagedMarker("# Managed by CoreOps\r\n[Unit]\n")).toBe(true);
    expect(hasManagedMarker("[Unit]\n# Managed by CoreOps\n")).toBe(false);
    expect(hasManagedMarker("# Managed by CoreOps too\n")).toBe(false);
    expect(hasManagedMarker("")).toBe(false);
  });

  it("strips the marker back to the repository content", () => {
    expect(stripManagedMarker(managedFileBytes("a=b\n")).toString()).toBe("a=b\n");
    expect(stripManagedMarker(Buffer.from("a=b\n")).toString()).toBe("a=b\n");
  });

  it("marks text companions but not JSON or binary ones", () => {
    expect(companionCarriesMarker("app.yaml", Buffer.from("kind: Pod\n"))).toBe(true);
    expect(companionCarriesMarker("whoami.env", Buffer.from("A=1\n"))).toBe(true);
    expect(companionCarriesMarker("policy.json", Buffer.from("{}\n"))).toBe(false);
    expect(companionCarriesMarker("blob.bin", Buffer.from([0, 1, 2]))).toBe(false);
  });
});
