import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { resolveHost } from "./host-identity.js";

const machine = () => "machine-1";

describe("resolveHost", () => {
  it("prefers --host, then CORE_OPS_HOST, then the hostname", () => {
    expect(resolveHost("flag-host", { CORE_OPS_HOST: "env-host" }, machine)).toBe("flag-host");
    expect(resolveHost(undefined, { CORE_OPS_HOST: "env-host" }, machine)).toBe("env-host");
    expect(resolveHost(undefined, {}, machine)).toBe("machine-1");
    expect(resolveHost("", { CORE_OPS_HOST: "" }, machine)).toBe("machine-1");
  });

  it("uses the real hostname by default", async () => {
    const os = await import("node:os");
    expect(resolveHost(undefined, {})).toBe(os.hostname());
  });

  it("rejects a name outside the identifier pattern, naming where it came from", () => {
    let err: unknown;
    try {
      resolveHost(undefined, { CORE_OPS_HOST: "../etc" }, machine);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreOpsError);
    expect((err as CoreOpsError).code).toBe("invalid_host_identity");
    expect((err as CoreOpsError).field).toBe("CORE_OPS_HOST");
    expect((err as CoreOpsError).exitCode).toBe(2);
    expect((err as CoreOpsError).message).toBe(
      "host name '../etc' (from CORE_OPS_HOST) is not a valid identifier",
    );
    expect(() => resolveHost("-x", {}, machine)).toThrow(/from --host/);
    expect(() => resolveHost(undefined, {}, () => "bad host")).toThrow(/from hostname/);
  });

  it("fails when no source gives a name", () => {
    expect(() => resolveHost(undefined, {}, () => "")).toThrow(/cannot determine the host name/);
  });
});
