import { afterEach, describe, expect, it } from "vitest";
import { enablementLinks } from "../effects/offline-systemd.js";
import { CoreOpsError, ExitCode } from "../errors.js";
import { loadDesiredState } from "./load.js";
import { makeTree, removeTree, type TreeEntry } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

async function failure(files: Record<string, TreeEntry>): Promise<CoreOpsError> {
  const root = makeTree({ "hosts/h1/host.yaml": "host: h1\nservices: [app]\n", ...files });
  roots.push(root);
  try {
    await loadDesiredState(root, "h1");
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error("loadDesiredState accepted the repository");
}

const SERVICE = "[Service]\nExecStart=/bin/true\n\n";

describe("[Install] names are unit names before they become paths", () => {
  it.each([
    ["WantedBy", "../../../../tmp/evil.target", 5],
    ["RequiredBy", "multi-user.target/../../x.target", 5],
    ["Alias", "../../../etc/passwd", 5],
    ["Also", "a/b.service", 5],
    ["WantedBy", "default", 5],
    ["Alias", "other.socket", 5],
  ])("%s=%s is exit 65 naming file and line", async (key, value, line) => {
    const err = await failure({ "services/app/app.service": `${SERVICE}[Install]\n${key}=${value}\n` });
    expect(err.code).toBe("invalid_install_name");
    expect(err.exitCode).toBe(ExitCode.invalidLayout);
    expect(err.file).toBe("services/app/app.service");
    expect(err.line).toBe(line);
    expect(err.field).toBe(`[Install] ${key}`);
  });

  it("names the drop-in that sets a bad name", async () => {
    const err = await failure({
      "services/app/app.service": `${SERVICE}[Install]\nWantedBy=multi-user.target\n`,
      "services/app/app.service.d/10-x.conf": "[Install]\nWantedBy=ok.target ../x.target\n",
    });
    expect(err.code).toBe("invalid_install_name");
    expect(err.file).toBe("services/app/app.service.d/10-x.conf");
    expect(err.line).toBe(2);
  });

  it("accepts the usual names, templates and instances", async () => {
    const root = makeTree({
      "hosts/h1/host.yaml": "host: h1\nservices: [app]\n",
      "services/app/app.service": `${SERVICE}[Install]\nWantedBy=multi-user.target getty@tty1.service\nAlias=app2.service\nAlso=app.socket\n`,
      "services/app/app.socket": "[Socket]\nListenStream=1\n",
    });
    roots.push(root);
    const state = await loadDesiredState(root, "h1");
    expect(state.units.map((u) => u.fileName)).toEqual(["app.service", "app.socket"]);
  });

  it("offline enablement never turns an invalid name found on the host into a link", () => {
    const links = enablementLinks("/etc/systemd/system", "x.service", "/etc/systemd/system/x.service", {
      wantedBy: ["../../../../tmp/evil.target", "multi-user.target"],
      requiredBy: ["a/b.target"],
      alias: ["../../../etc/passwd", "y.service"],
      also: [],
    });
    expect(links.map((l) => l.link)).toEqual([
      "/etc/systemd/system/multi-user.target.wants/x.service",
      "/etc/systemd/system/y.service",
    ]);
  });
});
