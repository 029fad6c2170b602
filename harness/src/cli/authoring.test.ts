import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CandidateEnvelopeSchema, DUPLICATE_MESSAGE } from "../authoring/candidate.js";
import { guidanceText } from "../authoring/test-support/guidance-text.js";
import { ValidationResultSchema } from "../authoring/validate-spec.js";
import { loadScenarioFile } from "../scenario/loader.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const BIN = join(ROOT, "harness", "bin", "core-ops-verify.js");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "coreops-authoring-"));
  dirs.push(d);
  return d;
}
const verify = (args: string[]) => execa("node", [BIN, ...args], { cwd: ROOT, reject: false });

async function specFile(text: string): Promise<string> {
  const dir = join(await tmp(), "feature");
  await mkdir(dir);
  await writeFile(join(dir, "spec.md"), text);
  return join(dir, "spec.md");
}

describe("--spec", () => {
  it("takes a feature folder for its spec.md, and names a wrong path with what to pass (exit 2)", async () => {
    const folder = await verify(["validate", "--spec", join("specs", "reconciliation")]);
    expect(folder.stderr).toBe("");
    expect(folder.stdout).toMatch(/required classes covered/);
    const empty = await tmp();
    for (const [path, why] of [
      [join(empty, "nothing"), "no such file or folder"],
      [empty, "a folder without spec.md"],
    ] as const) {
      for (const [command, ...rest] of [["validate"], ["generate", "--output-dir", empty]]) {
        const r = await verify([command as string, "--spec", path, ...rest]);
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toBe(
          `core-ops-verify ${command}: --spec ${path}: ${why}; pass specs/<feature>/spec.md or its folder`,
        );
      }
    }
  });
});

describe("core-ops-verify generate", () => {
  it("writes reviewable candidates for every spec of the repository, and keeps them on a second run", async () => {
    for (const feature of await readdir(join(ROOT, "specs"), { withFileTypes: true })) {
      if (!feature.isDirectory()) continue;
      const out = await tmp();
      const spec = join("specs", feature.name, "spec.md");
      const r = await verify(["generate", "--spec", spec, "--output-dir", out]);
      expect(r.stderr).toBe("");
      const files = (await readdir(out)).filter((f) => f.endsWith(".yaml"));
      expect(files.length).toBeGreaterThan(0);
      let rejected = 0;
      for (const f of files) {
        const { scenario } = await loadScenarioFile(join(out, f));
        expect(scenario.source).toBe("candidate");
        const envelope = CandidateEnvelopeSchema.parse(
          JSON.parse(await readFile(join(out, f.replace(/\.yaml$/, ".envelope.json")), "utf8")),
        );
        expect(envelope.generation_inputs.spec_path).toBe(spec);
        const errors = envelope.validation_findings.filter((x) => x.severity === "error");
        if (envelope.review_status === "rejected") {
          // A bullet already promoted into scenarios/ (e.g. reconciliation-ob-02) is accepted coverage now.
          rejected += 1;
          expect(errors.map((x) => x.code)).toEqual(["duplicate_accepted_coverage"]);
        } else {
          expect(envelope.review_status).toBe("needs_review");
          expect(errors).toEqual([]);
        }
      }
      expect(r.exitCode).toBe(rejected > 0 ? 1 : 0);
      expect(rejected).toBeLessThan(files.length);
      const again = await verify(["generate", "--spec", spec, "--output-dir", out]);
      expect(again.stdout).toContain("(exists, kept; --overwrite regenerates)");
    }
  });

  it("refuses guidance lacking a subsection, naming it and the line, and writes nothing", async () => {
    const out = await tmp();
    const spec = await specFile(guidanceText({ "Failure Modes": undefined }));
    const r = await verify(["generate", "--spec", spec, "--output-dir", out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `${spec}:7:1 Failure Modes: ## Verification Guidance lacks the required subsection ### Failure Modes`,
    );
    expect(await readdir(out)).toEqual([]);
  });

  it("rejects a candidate duplicating accepted coverage (exit 1) and keeps new behaviour needs_review", async () => {
    const out = await tmp();
    const spec = await specFile(
      guidanceText({
        "Idempotency Expectations": "- Applying the same desired revision twice is idle the second time.",
      }),
    );
    const r = await verify(["generate", "--spec", spec, "--output-dir", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^rejected .*feature-ie-01\\.yaml .* — ${DUPLICATE_MESSAGE} \\(scenarios/minimal-accepted\\.yaml\\)$`,
        "m",
      ),
    );
    const dup = CandidateEnvelopeSchema.parse(
      JSON.parse(await readFile(join(out, "feature-ie-01.envelope.json"), "utf8")),
    );
    expect(dup.review_status).toBe("rejected");
    const fresh = CandidateEnvelopeSchema.parse(
      JSON.parse(await readFile(join(out, "feature-ob-01.envelope.json"), "utf8")),
    );
    expect(fresh.review_status).toBe("needs_review");
  });
});

/** Classes no accepted scenario of `dir` lists, read with the plain YAML parser (not the code under test). */
async function uncovered(dir: string, required: readonly string[]): Promise<string[]> {
  const covered = new Set<string>();
  for (const f of await readdir(dir)) {
    if (!f.endsWith(".yaml")) continue;
    const doc = parse(await readFile(join(dir, f), "utf8")) as { source: string; scenario_classes: string[] };
    if (doc.source === "accepted") for (const c of doc.scenario_classes) covered.add(c);
  }
  return required.filter((c) => !covered.has(c));
}

describe("core-ops-verify validate", () => {
  it("reports required, covered and missing classes of every spec as the corpus really is", async () => {
    for (const feature of await readdir(join(ROOT, "specs"), { withFileTypes: true })) {
      if (!feature.isDirectory()) continue;
      const r = await verify(["validate", "--spec", join("specs", feature.name, "spec.md"), "--json"]);
      const doc = ValidationResultSchema.parse(JSON.parse(r.stdout));
      expect(doc.corpus_problems).toEqual([]);
      const missing = await uncovered(join(ROOT, "scenarios"), doc.required_classes);
      expect(doc.missing_classes.map((m) => m.scenario_class)).toEqual(missing);
      expect(r.exitCode).toBe(missing.length === 0 ? 0 : 1);
    }
  });

  it("passes for the reconciliation spec and fails once its only idempotency scenario is removed", async () => {
    const spec = join("specs", "reconciliation", "spec.md");
    expect((await verify(["validate", "--spec", spec])).exitCode).toBe(0);
    const corpus = join(await tmp(), "scenarios");
    await cp(join(ROOT, "scenarios"), corpus, { recursive: true });
    await rm(join(corpus, "minimal-accepted.yaml"));
    const r = await verify(["validate", "--spec", spec, "--accepted-dir", corpus]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /MISSING {2}idempotency \(specs\/reconciliation\/spec\.md:\d+\): no accepted scenario proves it/,
    );
  });

  it("reports every broken scenario file of the corpus up front: duplicate id, candidate, missing revision", async () => {
    const corpus = join(await tmp(), "scenarios");
    await cp(join(ROOT, "scenarios"), corpus, { recursive: true });
    const base = await readFile(join(corpus, "upgrade-transition.yaml"), "utf8");
    await writeFile(join(corpus, "zz-dup.yaml"), base.replace("title: Upgrading", "title: Again"));
    await writeFile(
      join(corpus, "zz-candidate.yaml"),
      base
        .replace("verify-upgrade-frontend", "verify-candidate")
        .replace("source: accepted", "source: candidate"),
    );
    await writeFile(
      join(corpus, "zz-revision.yaml"),
      base
        .replace("verify-upgrade-frontend", "verify-rev")
        .replace("revisions: [v1, v2]", "revisions: [v1, v9]"),
    );
    const r = await verify([
      "validate",
      "--spec",
      join("specs", "reconciliation", "spec.md"),
      "--accepted-dir",
      corpus,
      "--json",
    ]);
    expect(r.exitCode).toBe(1);
    const doc = ValidationResultSchema.parse(JSON.parse(r.stdout));
    expect(doc.corpus_problems).toEqual([
      expect.stringMatching(/zz-candidate\.yaml:8:1 source: scenario verify-candidate is a candidate/),
      expect.stringMatching(
        /zz-dup\.yaml:2:1 scenario_id: scenario_id verify-upgrade-frontend is already used by .*upgrade-transition\.yaml/,
      ),
      expect.stringMatching(
        /zz-revision\.yaml:18:21 fixtures\.repository_evolution\.revisions\[1\]: .*v9 does not exist/,
      ),
      expect.stringMatching(
        /zz-revision\.yaml:31:39 steps\[2\]\.action\.revision: revision "v2" is not one of/,
      ),
    ]);
  });
});
