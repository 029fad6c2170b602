import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const BIN = join(ROOT, "harness", "bin", "core-ops-verify.js");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A directory with one accepted scenario and one candidate (the accepted one with `source: candidate`). */
async function corpusWithCandidate(): Promise<{ dir: string; work: string }> {
  const work = await mkdtemp(join(tmpdir(), "coreops-gate-"));
  dirs.push(work);
  const dir = join(work, "corpus");
  await mkdir(dir);
  const accepted = await readFile(join(ROOT, "scenarios", "designed-timeout.yaml"), "utf8");
  await writeFile(join(dir, "accepted.yaml"), accepted);
  await writeFile(
    join(dir, "candidate.yaml"),
    accepted
      .replace("verify-timeout-classification", "candidate-x")
      .replace("source: accepted", "source: candidate"),
  );
  return { dir, work };
}

describe("only accepted scenarios run at the gate", () => {
  it("run --accepted-dir --ci refuses a candidate with exit 2 before any boot", async () => {
    const { dir, work } = await corpusWithCandidate();
    const empty = join(work, "empty-path");
    await mkdir(empty);
    // An empty PATH: were the refusal missing, preparing the substrate would fail (exit 1), not boot a VM.
    const r = await execa(
      process.execPath,
      [
        BIN,
        "run",
        "--accepted-dir",
        dir,
        "--ci",
        "--artifacts-dir",
        join(work, "a"),
        "--workspace-root",
        join(work, "w"),
      ],
      { cwd: ROOT, reject: false, env: { PATH: empty }, extendEnv: false },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("refusing the corpus before any boot");
    expect(r.stderr).toMatch(
      /candidate\.yaml:6:1 source: scenario candidate-x is a candidate \(source: candidate\)/,
    );
    expect(r.stderr).not.toContain("accepted.yaml:");
    expect(await readdir(work)).toEqual(["corpus", "empty-path"]);
  });

  it("a candidate runs alone with run --scenario", async () => {
    const { dir, work } = await corpusWithCandidate();
    const r = await execa(
      process.execPath,
      [
        BIN,
        "run",
        "--scenario",
        join(dir, "candidate.yaml"),
        "--synthetic",
        "--json",
        "--artifacts-dir",
        join(work, "a"),
        "--workspace-root",
        join(work, "w"),
      ],
      { cwd: ROOT, reject: false },
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ view_kind: "verification_run", overall_outcome: "passed" });
  });
});
