import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "./json-schema.js";

describe("harness/scenario.schema.json", () => {
  it("is up to date with the zod schema (run `npm run schema` when this fails)", () => {
    const onDisk = readFileSync(join(import.meta.dirname, "..", "..", "scenario.schema.json"), "utf8");
    expect(onDisk).toBe(scenarioJsonSchema());
  });

  it("forbids unknown top-level fields so editors flag typos", () => {
    const schema = JSON.parse(scenarioJsonSchema()) as { additionalProperties: unknown; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toContain("scenario_id");
  });
});
