/**
 * Reads the `## Verification Guidance` section of a spec (specs/README.md describes it): one bullet list per
 * `###` subsection, every required subsection present, every class named in `### Required Scenario Classes`
 * (or in a bullet's leading `[class]` tag) a class the scenario schema knows. Pure: text in, guidance or a
 * `SpecGuidanceError` listing every problem with its line out.
 */
import { renderProblem, type ScenarioProblem } from "../scenario/errors.js";
import { SCENARIO_CLASSES, type ScenarioClass, ScenarioClassSchema } from "../scenario/schema.js";
import { GUIDANCE_SUBSECTIONS, type GuidanceSubsection, GuidanceSubsectionSchema } from "./candidate.js";

/** An optional subsection naming the fixture generated candidates start from (`- repo_fixture: x`). */
export const FIXTURE_SUBSECTION = "Candidate Fixture";

export interface GuidanceBullet {
  subsection: GuidanceSubsection;
  /** 1-based line of the bullet's first line. */
  line: number;
  /** The bullet text, continuation lines joined by single spaces, without a leading `[class]` tag. */
  text: string;
  /** A class the bullet names itself (`- [drift_correction] …`), overriding its subsection's. */
  tag?: ScenarioClass;
}

export interface RequiredClass {
  scenario_class: ScenarioClass;
  line: number;
  /** What the bullet says after the class name (why the feature needs it). */
  reason: string;
}

export interface Guidance {
  file: string;
  /** Line of `## Verification Guidance`. */
  line: number;
  bullets: GuidanceBullet[];
  required: RequiredClass[];
  /** `key: value` bullets of `### Candidate Fixture`, when the spec has one. */
  fixture: Record<string, string>;
}

export class SpecGuidanceError extends Error {
  override readonly name = "SpecGuidanceError";
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(
      `invalid verification guidance in ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  ${renderProblem(p)}`)
        .join("\n")}`,
    );
  }
}

const GUIDANCE_HEADING = /^##\s+Verification Guidance\s*$/;
const BULLET = /^[-*]\s+(.*)$/;
const TAG = /^\[([a-z_]+)\]\s*(.*)$/;

interface RawSection {
  name: string;
  line: number;
  bullets: { line: number; text: string }[];
}

/** The `###` subsections between `## Verification Guidance` and the next `#`/`##` heading. */
function sections(lines: string[], start: number): RawSection[] {
  const out: RawSection[] = [];
  let inFence = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (/^#{1,2}\s/.test(line)) break;
    const heading = /^###\s+(.+?)\s*$/.exec(line);
    if (heading) {
      out.push({ name: heading[1] ?? "", line: i + 1, bullets: [] });
      continue;
    }
    const current = out.at(-1);
    const bullet = BULLET.exec(line);
    if (current && bullet) current.bullets.push({ line: i + 1, text: (bullet[1] ?? "").trim() });
    else if (current && /^\s+\S/.test(line) && current.bullets.length > 0) {
      const last = current.bullets.at(-1);
      if (last) last.text = `${last.text} ${line.trim()}`;
    }
  }
  return out;
}

function problem(file: string, line: number, field: string, message: string, hint?: string): ScenarioProblem {
  return { file, line, column: 1, field, message, ...(hint === undefined ? {} : { hint }) };
}

function parseClass(word: string): ScenarioClass | undefined {
  const r = ScenarioClassSchema.safeParse(word);
  return r.success ? r.data : undefined;
}

const CLASS_HINT = `use one of: ${SCENARIO_CLASSES.join(", ")}`;

function readRequired(file: string, s: RawSection, problems: ScenarioProblem[]): RequiredClass[] {
  const out: RequiredClass[] = [];
  for (const b of s.bullets) {
    const m = /^`?([A-Za-z_]+)`?\s*[:—–-]*\s*(.*)$/.exec(b.text);
    const cls = m ? parseClass(m[1] ?? "") : undefined;
    if (!cls) {
      problems.push(
        problem(file, b.line, s.name, `"${b.text}" does not start with a scenario class`, CLASS_HINT),
      );
    } else out.push({ scenario_class: cls, line: b.line, reason: (m?.[2] ?? "").trim() });
  }
  if (s.bullets.length === 0) {
    problems.push(
      problem(
        file,
        s.line,
        s.name,
        "lists no class",
        "name every class the feature needs proven, one a bullet",
      ),
    );
  }
  return out;
}

function readBullets(file: string, s: RawSection, name: GuidanceSubsection, problems: ScenarioProblem[]) {
  return s.bullets.map((b): GuidanceBullet => {
    const tagged = TAG.exec(b.text);
    if (!tagged) return { subsection: name, line: b.line, text: b.text };
    const tag = parseClass(tagged[1] ?? "");
    if (!tag) problems.push(problem(file, b.line, name, `unknown class tag [${tagged[1]}]`, CLASS_HINT));
    return { subsection: name, line: b.line, text: (tagged[2] ?? "").trim(), ...(tag ? { tag } : {}) };
  });
}

function readFixture(s: RawSection): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of s.bullets) {
    const m = /^`?([a-z_]+)`?\s*:\s*`?([^`]*)`?$/.exec(b.text);
    if (m) out[m[1] ?? ""] = (m[2] ?? "").trim();
  }
  return out;
}

/** Parses the guidance of spec text; throws `SpecGuidanceError` naming every missing or bad part. */
export function parseGuidance(text: string, file: string): Guidance {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => GUIDANCE_HEADING.test(l));
  if (start < 0) {
    throw new SpecGuidanceError(file, [
      problem(file, 1, "", "has no `## Verification Guidance` section", "add one (see specs/README.md)"),
    ]);
  }
  const problems: ScenarioProblem[] = [];
  const found = sections(lines, start);
  const guidance: Guidance = { file, line: start + 1, bullets: [], required: [], fixture: {} };
  const seen = new Set<string>();
  for (const s of found) {
    if (seen.has(s.name)) problems.push(problem(file, s.line, s.name, `### ${s.name} appears twice`));
    seen.add(s.name);
    const known = GuidanceSubsectionSchema.safeParse(s.name);
    if (s.name === FIXTURE_SUBSECTION) guidance.fixture = readFixture(s);
    else if (!known.success) {
      problems.push(
        problem(
          file,
          s.line,
          s.name,
          `unknown subsection ### ${s.name}`,
          `use: ${GUIDANCE_SUBSECTIONS.join(", ")}`,
        ),
      );
    } else if (known.data === "Required Scenario Classes")
      guidance.required = readRequired(file, s, problems);
    else guidance.bullets.push(...readBullets(file, s, known.data, problems));
  }
  for (const name of GUIDANCE_SUBSECTIONS) {
    if (!seen.has(name)) {
      problems.push(
        problem(
          file,
          start + 1,
          name,
          `## Verification Guidance lacks the required subsection ### ${name}`,
          `add "### ${name}" with a bullet list (specs/README.md)`,
        ),
      );
    }
  }
  if (problems.length > 0)
    throw new SpecGuidanceError(
      file,
      problems.sort((a, b) => a.line - b.line),
    );
  return guidance;
}
