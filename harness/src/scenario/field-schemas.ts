/**
 * The field types the scenario schemas share (`schema.ts`): identifiers, fixture paths, regular
 * expressions, JSON paths and durations, each checked when the scenario is loaded.
 */
import { z } from "zod";
import { DURATION_STRING, durationMs, MAX_DURATION_MS } from "./duration.js";
import { parseJsonPath } from "./json-path.js";

export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const Identifier = z.string().regex(IDENTIFIER, "must match ^[A-Za-z0-9][A-Za-z0-9._-]*$");

/**
 * A directory below `repos/`: relative, '/'-separated identifiers, so no `..`, no absolute path and no
 * hidden entry; that it does not leave `repos/` through a symlink is checked when the file is loaded
 * (`fixture-path.ts`).
 */
export const FIXTURE_PATH = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const FixturePath = z
  .string()
  .regex(FIXTURE_PATH, "must be a path relative to repos/ (names joined by '/', no '..', not absolute)");

/** A regular expression (JavaScript syntax), compiled when the scenario is loaded. */
export const RegexSource = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `is not a valid regular expression: ${(err as Error).message}` });
  }
});

/** A path into a JSON document (`json-path.ts`), parsed when the scenario is loaded. */
export const JsonPath = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    try {
      parseJsonPath(path);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  });

/**
 * A duration: integer seconds, or a string `<n>ms|s|m` (`"1s"`, `"500ms"`, `"3m"`, `"90"`); more than zero
 * and at most a day (a timer cannot wait longer: Node fires a longer one at once).
 */
const DURATION_FORMAT = 'write a duration as seconds (90) or "<n>ms", "<n>s", "<n>m"';
const DURATION_RANGE = "a duration must be more than zero and at most 24 hours";
export const DurationSchema = z.union(
  [
    z
      .number()
      .int(DURATION_FORMAT)
      .positive(DURATION_RANGE)
      .max(MAX_DURATION_MS / 1000, DURATION_RANGE),
    z
      .string()
      .regex(DURATION_STRING, DURATION_FORMAT)
      .refine((d) => !DURATION_STRING.test(d) || (durationMs(d) > 0 && durationMs(d) <= MAX_DURATION_MS), {
        message: DURATION_RANGE,
      }),
  ],
  { error: DURATION_FORMAT },
);
export type Duration = z.infer<typeof DurationSchema>;
