import { describe, expect, it } from "vitest";
import type { BaseImage } from "./base-image.js";
import { selectImageVersion } from "./image-version.js";

const image = (id: string, name: string, created: string): BaseImage =>
  ({
    descriptorPath: `/cache/${id}/descriptor.json`,
    descriptor: { name, created_at: created },
  }) as unknown as BaseImage;

const images = [
  image("7bf975ac2c89c8135ad6d379", "coreops-guest-trixie", "2026-11-30"),
  image("6fff2f0cd51bbbf3ff197f6e", "coreops-guest-trixie", "2026-11-20"),
  image("import-fcos-42", "fcos-42", "2026-10-01"),
];

describe("selectImageVersion", () => {
  it("selects by cache id, by an id prefix of 8 or more, or by a unique descriptor name", () => {
    expect(selectImageVersion(images, "6fff2f0cd51bbbf3ff197f6e", "/cache")).toBe(images[1]);
    expect(selectImageVersion(images, "7bf975ac", "/cache")).toBe(images[0]);
    expect(selectImageVersion(images, "fcos-42", "/cache")).toBe(images[2]);
  });

  it("fails naming the available images when none matches", () => {
    expect(() => selectImageVersion(images, "fedora-41", "/cache")).toThrow(
      /image_version fedora-41 is not in the image cache \/cache; available: 7bf975ac2c89c813 coreops-guest-trixie .*6fff2f0cd51bbbf3 coreops-guest-trixie .*import-fcos-42 fcos-42/,
    );
    // A short prefix is not an id.
    expect(() => selectImageVersion(images, "7bf9", "/cache")).toThrow(/not in the image cache/);
    expect(() => selectImageVersion([], "x", "/cache")).toThrow(/the image cache is empty/);
  });

  it("refuses an ambiguous name", () => {
    expect(() => selectImageVersion(images, "coreops-guest-trixie", "/cache")).toThrow(
      /names 2 cached images.*give a longer id/,
    );
  });
});
