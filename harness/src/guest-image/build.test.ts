import { describe, expect, it } from "vitest";
import { shellQuote, volumeNameFor } from "./build.js";
import { parseDpkgQuery } from "./dpkg.js";

describe("parseDpkgQuery", () => {
  it("keeps installed packages only, with their exact versions", () => {
    const text =
      "podman\t5.4.2+ds1-2\tinstalled\nold\t1.0\tconfig-files\ngit\t1:2.47.3-0+deb13u1\tinstalled\n\n";
    expect(parseDpkgQuery(text)).toEqual({ podman: "5.4.2+ds1-2", git: "1:2.47.3-0+deb13u1" });
  });
});

describe("volumeNameFor", () => {
  it("names the base volume by the short recipe hash", () => {
    expect(volumeNameFor("0123456789abcdef0123456789abcdef")).toBe("coreops-guest-0123456789abcdef.qcow2");
  });
});

describe("shellQuote", () => {
  it("leaves plain paths alone and single-quotes the rest", () => {
    expect(shellQuote("/var/lib/x")).toBe("/var/lib/x");
    expect(shellQuote("a b'c")).toBe("'a b'\\''c'");
  });
});
