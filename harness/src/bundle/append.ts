/**
 * Adds one file to a bundle that is already written (what happens after the run, such as a promotion's
 * `promotion-status.txt`): the file, and its entry in manifest.json, redacted like the rest of the bundle.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Redactor } from "../secrets/redactor.js";
import { BundleManifestSchema } from "./manifest.js";

export async function appendBundleFile(
  dir: string,
  file: { logicalName: string; relativePath: string; content: string },
  redactor: Redactor,
): Promise<void> {
  const manifestPath = join(dir, "manifest.json");
  const manifest = BundleManifestSchema.parse(JSON.parse(await readFile(manifestPath, "utf8")));
  await writeFile(join(dir, file.relativePath), redactor.text(file.content));
  const entries = manifest.manifest_entries.filter((e) => e.relative_path !== file.relativePath);
  entries.push({
    logical_name: file.logicalName,
    relative_path: file.relativePath,
    required: true,
    present: true,
    failure_specific: false,
  });
  entries.sort((a, b) => a.relative_path.localeCompare(b.relative_path));
  const always = manifest.always_collected_entries.filter((n) => n !== file.logicalName);
  const next = {
    ...manifest,
    manifest_entries: entries,
    always_collected_entries: [...always, file.logicalName],
  };
  await writeFile(manifestPath, `${JSON.stringify(next, null, 2)}\n`);
}
