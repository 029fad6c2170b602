/**
 * When a Quadlet file did not produce a loaded unit, the generator itself says why: run it in dry-run
 * mode (whichever of the two known locations exists) and keep what it printed about the file at fault.
 */
import { existsSync } from "node:fs";
import { execa } from "execa";
import type { QuadletDryRun } from "../apply/ports.js";

export const GENERATOR_CANDIDATES: readonly { path: string; args: string[] }[] = [
  { path: "/usr/lib/systemd/system-generators/podman-system-generator", args: ["--dryrun"] },
  { path: "/usr/libexec/podman/quadlet", args: ["-dryrun"] },
];

export class GeneratorDryRun implements QuadletDryRun {
  constructor(private readonly candidates = GENERATOR_CANDIDATES) {}

  async explain(fileName: string): Promise<string | null> {
    const found = this.candidates.find((c) => existsSync(c.path));
    if (!found) return "no Quadlet generator found (podman-system-generator / quadlet); is podman installed?";
    const res = await execa(found.path, found.args, { reject: false, stdin: "ignore", timeout: 60_000 });
    return pickGeneratorLines(`${String(res.stderr)}\n${String(res.stdout)}`, fileName, res.exitCode ?? null);
  }
}

/** Lines of generator output about `fileName`; else its error lines; else null (it reported nothing). */
export function pickGeneratorLines(output: string, fileName: string, exitCode: number | null): string | null {
  const lines = output.split("\n").map((l) => l.trim());
  const about = lines.filter((l) => l.includes(fileName));
  if (about.length > 0) return about.join("\n");
  const errors = lines.filter((l) => /error|unsupported|invalid|failed/i.test(l));
  if (errors.length > 0) return errors.join("\n");
  return exitCode && exitCode !== 0 ? `generator exited with status ${exitCode}` : null;
}
