/**
 * Global setup of the `vm` Vitest project (`npm run verify:machine`): makes the host ready (packages,
 * libvirt daemons, pool, KVM probe) and the guest image present, with visible progress — idempotent, so a
 * second run changes nothing. A host that cannot be prepared fails here with the commands to run.
 */
import { ensureBaseImage } from "./guest-image/image-store.js";
import { ensureSetup } from "./guest-image/setup.js";

export default async function setup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[vm setup] ${line}\n`);
  await ensureSetup(log);
  const image = await ensureBaseImage(log);
  log(`base image ${image.descriptor.name}: ${image.descriptorPath}`);
}
