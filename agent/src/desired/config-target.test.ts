import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { configTarget } from "./config-target.js";

function failure(rel: string): CoreOpsError {
  try {
    configTarget(rel, `services/web/config/${rel}`);
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error(`configTarget accepted ${rel}`);
}

describe("configTarget", () => {
  it("maps config/etc/<path> to /etc/<path>", () => {
    expect(configTarget("etc/frontend/Caddyfile", "f")).toBe("/etc/frontend/Caddyfile");
    expect(configTarget("etc/x", "f")).toBe("/etc/x");
  });

  it("rejects a target outside /etc/", () => {
    const err = failure("var/lib/x");
    expect(err.code).toBe("config_outside_etc");
    expect(err.exitCode).toBe(65);
    expect(err.file).toBe("services/web/config/var/lib/x");
    expect(err.message).toContain("'/var/lib/x' is outside /etc/");
    expect(err.hint).toContain("config/etc/");
    expect(failure("etc").code).toBe("config_outside_etc");
    expect(failure("etcetera/x").code).toBe("config_outside_etc");
  });

  it("rejects '..' anywhere", () => {
    const err = failure("etc/../root/.ssh/authorized_keys");
    expect(err.code).toBe("config_path_traversal");
    expect(err.message).toContain("contains '..'");
    expect(failure("etc/a/..").code).toBe("config_path_traversal");
  });

  it("rejects absolute paths", () => {
    const err = failure("/etc/passwd");
    expect(err.code).toBe("config_path_absolute");
    expect(err.message).toContain("'/etc/passwd' is absolute");
  });

  it("rejects empty, '.' and control-character components", () => {
    expect(failure("etc//x").code).toBe("config_path_invalid");
    expect(failure("etc/./x").code).toBe("config_path_invalid");
    expect(failure("etc/a\nb").code).toBe("config_path_invalid");
  });
});
