/**
 * The state formats of core-ops 0.2.0 (schema_version 1) and their pure conversion to the current ones
 * (README.md "State directory", "Upgrades"). status.json v1 differs from v2 only in its version: v2 says
 * that snapshots.json names contents by digest in the content store instead of inlining them as base64.
 * Nothing here touches the disk; migrate-state.ts persists the result.
 */
import { z } from "zod";
import { type Digest, digestOf } from "./content-store.js";
import type { SnapshotsFile } from "./snapshots.js";

const SourceRefV1 = z.object({ layer: z.enum(["base", "host"]), path: z.string() });
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** snapshots.json as core-ops 0.2.0 wrote it (contents inline as base64). */
export const SnapshotsFileV1Schema = z.object({
  schema_version: z.literal(1),
  snapshots: z.array(
    z.object({
      revision: z.string(),
      host: z.string(),
      repository: z.string().nullable(),
      requested_ref: z.string().nullable(),
      applied_at: z.string(),
      desired: z.object({
        host: z.string(),
        hostFile: z.string(),
        services: z.array(z.string()),
        units: z.array(
          z.object({
            service: z.string(),
            fileName: z.string(),
            family: z.enum(["quadlet", "native"]),
            source: SourceRefV1,
            text: z.string(),
            dropIns: z.array(
              z.object({
                name: z.string(),
                source: SourceRefV1,
                text: z.string(),
                replaces: SourceRefV1.optional(),
              }),
            ),
          }),
        ),
        companions: z.array(
          z.object({
            service: z.string(),
            relPath: z.string(),
            source: SourceRefV1,
            content_base64: Base64,
            mode: z.number().int(),
            referencedBy: z.array(z.string()),
          }),
        ),
        configs: z.array(
          z.object({
            service: z.string(),
            target: z.string(),
            source: SourceRefV1,
            replaces: SourceRefV1.optional(),
            content_base64: Base64,
            mode: z.number().int(),
            owner: z.string(),
            group: z.string(),
          }),
        ),
      }),
    }),
  ),
});
export type SnapshotsFileV1 = z.infer<typeof SnapshotsFileV1Schema>;

/** A v1 snapshots file as a v2 one, plus the contents the v2 file names (to be put into the store). */
export function snapshotsFromV1(v1: SnapshotsFileV1): { file: SnapshotsFile; contents: Map<Digest, Buffer> } {
  const contents = new Map<Digest, Buffer>();
  const ref = (base64: string) => {
    const bytes = Buffer.from(base64, "base64");
    const digest = digestOf(bytes);
    contents.set(digest, bytes);
    return { content: digest, size: bytes.length };
  };
  const file: SnapshotsFile = {
    schema_version: 2,
    snapshots: v1.snapshots.map((s) => ({
      ...s,
      desired: {
        ...s.desired,
        companions: s.desired.companions.map(({ content_base64, ...c }) => ({
          ...c,
          ...ref(content_base64),
        })),
        configs: s.desired.configs.map(({ content_base64, ...c }) => ({ ...c, ...ref(content_base64) })),
      },
    })),
  };
  return { file, contents };
}

/** status.json v1 → v2: the same document under the new version (see the module comment). */
export function statusDocumentFromV1(json: Record<string, unknown>): Record<string, unknown> {
  return { ...json, schema_version: 2 };
}
