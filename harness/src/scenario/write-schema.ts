/** `npm run schema`: writes harness/scenario.schema.json from the zod schema. */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchema } from "./json-schema.js";

export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scenario.schema.json");

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, scenarioJsonSchema());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
