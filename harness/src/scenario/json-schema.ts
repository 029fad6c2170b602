/** `harness/scenario.schema.json`, generated from the zod schema (never hand-written). */
import { z } from "zod";
import { ScenarioSchema } from "./schema.js";

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioSchema, { io: "input", target: "draft-2020-12" });
  const doc = {
    ...schema,
    $id: "https://core-ops.invalid/harness/scenario.schema.json",
    title: "CoreOps verification scenario",
    description: "Generated from harness/src/scenario/schema.ts by `npm run schema`. Do not edit.",
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
