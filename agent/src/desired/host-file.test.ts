import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { parseHostFile } from "./host-file.js";

const FILE = "hosts/demo-uat/host.yaml";

function failure(text: string, dir = "demo-uat"): CoreOpsError {
  try {
    parseHostFile(text, FILE, dir);
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error("parseHostFile accepted the input");
}

describe("parseHostFile", () => {
  it("returns host, ordered services and their lines", () => {
    const parsed = parseHostFile(
      "# comment\nhost: demo-uat\nservices:\n  - whoami\n  - frontend\n",
      FILE,
      "demo-uat",
    );
    expect(parsed.host).toBe("demo-uat");
    expect(parsed.services).toEqual(["whoami", "frontend"]);
    expect(parsed.hostLine).toBe(2);
    expect(parsed.serviceLines).toEqual([4, 5]);
  });

  it("accepts an empty selection", () => {
    expect(parseHostFile("host: demo-uat\nservices: []\n", FILE, "demo-uat").services).toEqual([]);
  });

  it("reports malformed YAML with its line", () => {
    const err = failure("host: demo-uat\nservices: [frontend\n  whoami: x\n");
    expect(err.code).toBe("host_file_yaml");
    expect(err.exitCode).toBe(65);
    expect(err.file).toBe(FILE);
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.message).toMatch(/^malformed YAML: /);
    expect(err.render()).toContain(`${FILE}:${err.line}: malformed YAML`);
  });

  it("reports a duplicate key as malformed YAML", () => {
    const err = failure("host: demo-uat\nservices: []\nhost: demo-uat\n");
    expect(err.code).toBe("host_file_yaml");
    expect(err.line).toBe(3);
  });

  it("rejects host different from the directory name, at the host line", () => {
    const err = failure("services: [a]\nhost: demo-prod\n");
    expect(err.code).toBe("host_mismatch");
    expect(err.message).toBe("host field 'demo-prod' does not match directory 'demo-uat'");
    expect(err.line).toBe(2);
    expect(err.field).toBe("host");
    expect(err.hint).toContain("host: demo-uat");
  });

  it("rejects a duplicate service at the second occurrence", () => {
    const err = failure("host: demo-uat\nservices:\n  - a\n  - b\n  - a\n");
    expect(err.code).toBe("duplicate_service");
    expect(err.message).toContain("'a' is listed twice (services[0] and services[2])");
    expect(err.line).toBe(5);
    expect(err.field).toBe("services[2]");
  });

  it("rejects a missing services key", () => {
    const err = failure("host: demo-uat\n");
    expect(err.code).toBe("missing_services");
    expect(err.message).toBe("missing required key 'services'");
    expect(err.hint).toContain("services: [...]");
  });

  it("rejects a missing host key", () => {
    const err = failure("services: []\n");
    expect(err.code).toBe("missing_host");
    expect(err.field).toBe("host");
  });

  it("rejects unknown keys at their line", () => {
    const err = failure("host: demo-uat\nservices: []\nroles: [web]\n");
    expect(err.code).toBe("host_file_unknown_key");
    expect(err.message).toBe("unknown key 'roles'");
    expect(err.line).toBe(3);
  });

  it("rejects service names outside the identifier pattern", () => {
    const err = failure("host: demo-uat\nservices:\n  - ok\n  - _bad\n");
    expect(err.code).toBe("invalid_identifier");
    expect(err.field).toBe("services[1]");
    expect(err.line).toBe(4);
    expect(err.message).toContain("^[A-Za-z0-9][A-Za-z0-9._-]*$");
  });

  it("rejects a host name outside the identifier pattern", () => {
    const err = failure("host: 'bad host'\nservices: []\n");
    expect(err.code).toBe("invalid_identifier");
    expect(err.field).toBe("host");
    expect(err.line).toBe(1);
  });

  it("rejects non-list services and non-mapping documents", () => {
    const err = failure("host: demo-uat\nservices: frontend\n");
    expect(err.code).toBe("host_file_invalid");
    expect(err.field).toBe("services");
    expect(err.line).toBe(2);
    expect(failure("- a\n- b\n").message).toBe("host file is not a YAML mapping");
    expect(failure("").message).toBe("host file is not a YAML mapping");
  });
});
