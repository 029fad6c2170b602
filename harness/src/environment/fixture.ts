/**
 * The verification-environment identity fixture (`harness/release-gate-environment.json`, README "Release
 * gate"): which environment is allowed to verify a release. The zod schema is the file format's source of
 * truth; every field is required and non-blank.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const Required = z.string().refine((s) => s.trim() !== "", "must not be empty");

export const EnvironmentFixtureSchema = z.strictObject({
  environment_name: Required,
  /** A version marker: bumped whenever the environment's definition changes. */
  environment_version: Required,
  /** The class of machine the gate runs on (architecture, OS, hypervisor, accelerator). */
  system_class: Required,
  /** Where the runner is defined (the script the gate runs). */
  runner_definition_ref: Required,
  reproducibility_notes: Required,
  drift_detection_basis: Required,
  /** The guest image's package-set digest (harness/src/guest-image/package-set.ts) the gate expects. */
  guest_image_package_set_digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
});
export type EnvironmentFixture = z.infer<typeof EnvironmentFixtureSchema>;

/** A fixture that cannot be used: the file, and one line per problem (`field: message`). */
export class FixtureError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: not a valid environment fixture:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function parseFixture(file: string, text: string): EnvironmentFixture {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(file, [`(file): not JSON: ${(err as Error).message}`]);
  }
  const parsed = EnvironmentFixtureSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new FixtureError(
    file,
    parsed.error.issues.map((i) => {
      const field = i.path.length > 0 ? i.path.join(".") : "(top level)";
      return i.code === "unrecognized_keys"
        ? `${field}: unknown field(s) ${i.keys.join(", ")}`
        : `${field}: ${i.message}`;
    }),
  );
}

export async function readFixture(file: string): Promise<EnvironmentFixture> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new FixtureError(file, [
      `(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    ]);
  }
  return parseFixture(file, text);
}
