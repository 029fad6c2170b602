/**
 * Reading and writing `descriptor.json` (schema: descriptor.ts). A bad descriptor is reported with the
 * file and each offending field, so a hand-written Fedora CoreOS descriptor can be fixed from the message.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { SubstrateError } from "./command.js";
import { type ImageDescriptor, ImageDescriptorSchema } from "./descriptor.js";

/** Pure: validate parsed JSON as a descriptor, or throw naming the file and the fields. */
export function validateDescriptor(value: unknown, file: string): ImageDescriptor {
  const parsed = ImageDescriptorSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `  - ${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`)
    .join("\n");
  throw new SubstrateError(
    `${file}: not a valid image descriptor:\n${problems}`,
    "see harness/src/guest-image/descriptor.ts",
  );
}

export async function readDescriptor(file: string): Promise<ImageDescriptor> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new SubstrateError(`${file}: cannot read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SubstrateError(`${file}: not JSON: ${(err as Error).message}`);
  }
  return validateDescriptor(json, file);
}

/** Pure: the file's text — validated, keys in schema order, packages sorted by name. */
export function renderDescriptor(descriptor: ImageDescriptor): string {
  const valid = validateDescriptor(descriptor, "descriptor");
  const packages = Object.fromEntries(
    Object.entries(valid.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `${JSON.stringify({ ...valid, packages }, null, 2)}\n`;
}

/** Writes atomically (temporary file + rename). */
export async function writeDescriptor(file: string, descriptor: ImageDescriptor): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, renderDescriptor(descriptor), { mode: 0o644 });
  await rename(tmp, file);
}
