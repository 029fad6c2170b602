/**
 * Prepares what real-VM scenarios need and opens the hypervisor: host setup (`ensureSetup`), the base image
 * (`ensureBaseImage`: `CORE_OPS_VERIFY_BASE_IMAGE` or the locally built guest image), the agent binary, then
 * `openHypervisor`. These come from the machine layer; the scenario layer reaches them only through this
 * file. When something cannot be prepared (no rights, no libvirt), the error says exactly what to run — a
 * scenario then fails with that message, it never skips. `chooseHypervisor` is the one place that picks the
 * synthetic `Hypervisor` instead (the harness's own fast tests only).
 */

import { errorText, InfraError } from "../faults.js";
import { ensureBaseImage } from "../guest-image/image-store.js";
import { ensureSetup } from "../guest-image/setup.js";
import { openHypervisor } from "../libvirt/hypervisor.js";
import type { Hypervisor } from "../machine.js";
import { agentBinaryPath, ensureAgentBinary } from "./agent-binary.js";
import { syntheticHypervisor } from "./synthetic.js";

type Log = (line: string) => void;

export interface PreparedSubstrate {
  hypervisor: Hypervisor;
  agentBinary: string;
}

const HOW =
  "run `core-ops-verify setup` as root (Debian: installs libvirt/QEMU, starts the daemons, creates the pool), " +
  "or point CORE_OPS_VERIFY_LIBVIRT_URI / CORE_OPS_VERIFY_VM_HOST at a prepared hypervisor";

function guarded(what: string) {
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new InfraError(
        `cannot prepare the VM substrate (${what}): ${errorText(err)}\nHow to fix: ${HOW}`,
        {
          cause: err,
        },
      );
    }
  };
}

function isRemote(): boolean {
  return (
    process.env.CORE_OPS_VERIFY_LIBVIRT_URI !== undefined || process.env.CORE_OPS_VERIFY_VM_HOST !== undefined
  );
}

/** Host setup and base image (local hypervisor only). */
export async function prepareHost(log: Log): Promise<void> {
  if (!isRemote()) {
    await guarded("host setup")(() => ensureSetup(log));
    await guarded("guest image")(() => ensureBaseImage(log));
  }
}

/** Opens the hypervisor of the prepared substrate. */
export function openSubstrateHypervisor(log?: Log): Promise<Hypervisor> {
  return guarded("hypervisor")(() => openHypervisor({ log }));
}

export async function prepareSubstrate(repoRoot: string, log: Log): Promise<PreparedSubstrate> {
  await prepareHost(log);
  // Scenarios that do not run core-ops still run without it; those that do fail naming this reason.
  const agentBinary = await ensureAgentBinary(repoRoot, log).catch((err) => {
    log(`agent binary not available: ${errorText(err)}`);
    return agentBinaryPath(repoRoot);
  });
  const hypervisor = await openSubstrateHypervisor(log);
  log(
    `hypervisor ${hypervisor.uri}, image ${hypervisor.image.name} (${hypervisor.image.localContainerImages.join(", ")})`,
  );
  return { hypervisor, agentBinary };
}

/**
 * Where guests come from: the real substrate (`open`), or — for the harness's own fast tests, the hidden
 * `--synthetic` switch and `CORE_OPS_VERIFY_SYNTHETIC=1` — the synthetic `Hypervisor`, which never reads
 * deliveries, so any existing file stands in for the agent binary.
 */
export async function chooseHypervisor(
  synthetic: boolean,
  open: () => Promise<PreparedSubstrate>,
): Promise<PreparedSubstrate> {
  if (!synthetic) return open();
  return { hypervisor: syntheticHypervisor(), agentBinary: process.execPath };
}
