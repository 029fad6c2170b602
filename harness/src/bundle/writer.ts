/**
 * Writes an artifact bundle `<artifacts>/<run_id>/` (README "Debugging a failed scenario"): every file redacted by the run's
 * `Redactor` (an Ignition config so that it stays a valid config), then manifest.json
 * listing each file with its logical name and whether it is required, and the collection status. A file
 * that cannot be written is recorded in the manifest (status partial), never silently dropped.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { redactIgnitionText } from "../secrets/ignition.js";
import type { Redactor } from "../secrets/redactor.js";
import type { RunIdentity } from "./identity.js";
import { type BundleManifest, collectionStatus, type ManifestEntry } from "./manifest.js";

export interface BundleFile {
  logicalName: string;
  relativePath: string;
  required: boolean;
  failureSpecific?: boolean;
  /** The content, or the reason it could not be collected. */
  content: string | { error: string };
}

// size: one pass over the files, then the manifest; splitting would pass the entries list around
export async function writeBundle(options: {
  dir: string;
  runId: string;
  scenarioId: string;
  files: readonly BundleFile[];
  redactor: Redactor;
  environmentRetained: boolean;
  identity: RunIdentity;
}): Promise<BundleManifest> {
  const entries: ManifestEntry[] = [];
  let dirOk = true;
  try {
    await mkdir(options.dir, { recursive: true });
  } catch {
    dirOk = false;
  }
  const sorted = [...options.files].sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  for (const f of sorted) {
    const entry: ManifestEntry = {
      logical_name: f.logicalName,
      relative_path: f.relativePath,
      required: f.required,
      present: false,
      failure_specific: f.failureSpecific ?? false,
    };
    if (typeof f.content !== "string") {
      entry.error = f.content.error;
    } else if (dirOk) {
      try {
        const content = f.relativePath.endsWith(".ign")
          ? redactIgnitionText(f.content, options.redactor)
          : options.redactor.text(f.content);
        await writeFile(join(options.dir, f.relativePath), content);
        entry.present = true;
      } catch (err) {
        entry.error = (err as Error).message;
      }
    }
    entries.push(entry);
  }
  const manifest: BundleManifest = {
    schema_version: 1,
    run_id: options.runId,
    scenario_id: options.scenarioId,
    bundle_path: options.dir,
    manifest_entries: entries,
    always_collected_entries: entries.filter((e) => !e.failure_specific).map((e) => e.logical_name),
    failure_specific_entries: entries.filter((e) => e.failure_specific).map((e) => e.logical_name),
    environment_retained: options.environmentRetained,
    collection_status: dirOk ? collectionStatus(entries) : "failed",
    guest_image: options.identity.guest_image,
    agent_binary: options.identity.agent_binary,
  };
  if (dirOk) {
    await writeFile(join(options.dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`).catch(
      () => {
        manifest.collection_status = "failed";
      },
    );
  }
  return manifest;
}
