/**
 * A real corpus run records what it ran (README "Release gate"): the verification_run document, each
 * scenario outcome and each bundle's manifest.json carry the identity of the guest image actually booted —
 * equal to that image's descriptor — and the delivered agent binary's version and revision, equal to its
 * build-info.json. Runs the real CLI on the accepted minimal scenario.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BundleManifestSchema } from "../bundle/manifest.js";
import { imageIdentity } from "../guest-image/identity.js";
import { ensureBaseImage } from "../guest-image/image-store.js";

const root = resolve(import.meta.dirname, "../../..");
const cli = join(root, "harness", "bin", "core-ops-verify.js");

describe("run identity", () => {
  it("verification_run and bundles carry the booted image's identity and the binary's revision", async () => {
    const booted = await ensureBaseImage(() => undefined);
    const build = JSON.parse(readFileSync(join(root, "agent", "dist", "build-info.json"), "utf8")) as {
      version: string;
      revision: string;
      tree_state: string;
    };
    const artifacts = mkdtempSync(join(tmpdir(), "run-identity-"));
    try {
      const r = await promisify(execFile)(
        process.execPath,
        [
          cli,
          "run",
          "--accepted-dir",
          "scenarios",
          "--scenario-id",
          "verify-idempotent-frontend",
          "--ci",
          "--json",
          "--artifacts-dir",
          artifacts,
        ],
        { cwd: root, maxBuffer: 64 * 2 ** 20 },
      ).catch((e: { stdout?: string; stderr?: string }) => ({
        stdout: e.stdout ?? "",
        stderr: e.stderr ?? "",
      }));
      const doc = JSON.parse(r.stdout) as {
        overall_outcome: string;
        guest_image: unknown;
        agent_binary: unknown;
        scenario_outcomes: { guest_image: unknown; agent_binary: unknown; bundle_path: string }[];
      };
      const expectedImage = imageIdentity(booted.descriptor);
      const expectedBinary = {
        version: build.version,
        revision: build.revision,
        tree_state: build.tree_state,
      };
      expect(expectedImage.disk_digest, "the booted image was built with a disk digest").toMatch(/^sha256:/);
      expect(doc.guest_image).toEqual(expectedImage);
      expect(doc.agent_binary).toEqual(expectedBinary);
      // build-info.json must describe the binary that was delivered: the binary names its own revision.
      const own = await promisify(execFile)(join(root, "agent", "dist", "core-ops"), ["--version"]);
      expect(own.stdout.trim()).toMatch(new RegExp(`^${build.version} \\(${build.revision.slice(0, 8)}\\)`));
      expect(doc.scenario_outcomes).toHaveLength(1);
      for (const s of doc.scenario_outcomes) {
        expect(s.guest_image).toEqual(expectedImage);
        expect(s.agent_binary).toEqual(expectedBinary);
        const manifest = BundleManifestSchema.parse(
          JSON.parse(readFileSync(join(s.bundle_path, "manifest.json"), "utf8")),
        );
        expect(manifest.guest_image).toEqual(expectedImage);
        expect(manifest.agent_binary).toEqual(expectedBinary);
      }
      expect(doc.overall_outcome, r.stderr.slice(-3000)).toBe("passed");
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  });
});
