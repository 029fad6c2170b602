/**
 * Redaction on a real boot: a real guest prints its Ignition config (read back from fw_cfg, exactly what
 * Ignition received) and its SSH host private key to the real serial console in every form a guest can print
 * them, from a systemd unit, and to a step's stdout. The raw console must carry the secrets (else the test
 * proves nothing); no file of the run's bundle may reveal any of them, checked by a decoder written apart
 * from the redactor; and the bundle's redacted `rendered-ignition.ign` still passes `ignition-validate`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunSecrets } from "../ignition/run-secrets.js";
import { ignitionValidate } from "../ignition/test-support/ignition-validate.js";
import type { Hypervisor } from "../machine.js";
import { executeScenario } from "../run/execute.js";
import { openSubstrateHypervisor } from "../run/substrate.js";
import { loadScenarioFile } from "../scenario/loader.js";
import { REDACTED_DATA_URL } from "./ignition.js";
import { leakedSecrets } from "./test-support/leaks.js";

const root = resolve(import.meta.dirname, "../../..");
const scenario = join(root, "harness", "test-fixtures", "scenarios", "console-secret-dump.yaml");
const work = mkdtempSync(join(tmpdir(), "redaction-vm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a real guest that dumps its Ignition config and host key to the serial console", () => {
  it("produces a bundle in which no form of a run secret appears", async () => {
    const log = (line: string) => process.stderr.write(`[redaction.vm] ${line}\n`);
    const real = await openSubstrateHypervisor(log);
    let secrets: RunSecrets | undefined;
    const hypervisor: Hypervisor = {
      uri: real.uri,
      image: real.image,
      createMachine: (spec) => {
        secrets = spec.secrets;
        return real.createMachine(spec);
      },
    };
    const run = await executeScenario({
      loaded: await loadScenarioFile(scenario),
      hypervisor,
      repoRoot: root,
      workspaceRoot: join(work, "ws"),
      artifactsDir: join(work, "artifacts"),
      agentBinary: join(work, "no-agent-needed"),
      mode: "local",
      logSink: log,
    });
    expect(run.classification.outcome, run.redactor.text(JSON.stringify(run.steps))).toBe("passed");
    expect(secrets).toBeDefined();
    const s = secrets as RunSecrets;

    // The unredacted console (the machine's copy in the local workspace) really carries the secrets.
    const raw = readFileSync(join(work, "ws", run.runId, "machine", "console.log"), "utf8");
    expect(raw).toContain("== end of dump");
    expect(raw).toContain(
      `data:;base64,${Buffer.from(s.hostKey.privateKey).toString("base64").slice(0, 64)}`,
    );
    expect(raw).toContain(s.token);
    expect(leakedSecrets(raw, s).length).toBeGreaterThan(0);

    const bundle = run.bundle.bundle_path;
    const names = readdirSync(bundle).sort();
    expect(names).toEqual(
      expect.arrayContaining(["console-log.txt", "rendered-ignition.ign", "verification-run.json"]),
    );
    const consoleLog = readFileSync(join(bundle, "console-log.txt"), "utf8");
    expect(consoleLog).toContain("== end of dump");
    expect(consoleLog).toContain("[REDACTED]");
    for (const name of names) {
      const text = readFileSync(join(bundle, name), "utf8");
      expect(leakedSecrets(text, s), `${name} reveals a secret`).toEqual([]);
      expect(text.includes(s.token), `${name} has the token`).toBe(false);
    }

    const ignition = readFileSync(join(bundle, "rendered-ignition.ign"), "utf8");
    const files = (
      JSON.parse(ignition) as { storage: { files: { path: string; contents: { source: string } }[] } }
    ).storage.files;
    expect(files.find((f) => f.path === "/etc/ssh/ssh_host_ed25519_key")?.contents.source).toBe(
      REDACTED_DATA_URL,
    );
    const validated = ignitionValidate(ignition);
    expect(validated.output).toBe("");
    expect(validated.status).toBe(0);
  });
});
