/**
 * Prepares what real-VM scenarios need and opens the hypervisor: host setup (`ensureSetup`), the guest image
 * (`ensureImage`), the agent binary, then `openHypervisor`. These come from the machine layer; the scenario
 * layer reaches them only through this file. When something cannot be prepared (no rights, no libvirt), the
 * error says exactly what to run — a scenario then fails with that message, it never skips.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Hypervisor } from "../machine.js";
import { agentBinaryPath, ensureAgentBinary } from "./agent-binary.js";
import { errorText, InfraError } from "./errors.js";

type Log = (line: string) => void;

interface MachineLayer {
  ensureSetup(log: Log): Promise<unknown>;
  ensureImage(log: Log): Promise<unknown>;
  openHypervisor(options: { log?: Log }): Promise<Hypervisor>;
}

async function importMachineLayer(): Promise<MachineLayer> {
  // Module paths kept in variables: the machine layer lands on its own branch; until it does, this fails
  // with a clear message instead of breaking the build.
  // Absolute paths, .js (compiled) or .ts (under Vitest), so both Node and Vite resolve them the same way.
  const paths = ["../guest-image/setup", "../guest-image/build", "../libvirt/hypervisor"].map((rel) => {
    const base = fileURLToPath(new URL(rel, import.meta.url));
    return [`${base}.js`, `${base}.ts`].find((f) => existsSync(f)) ?? `${base}.js`;
  });
  try {
    const [setup, build, hv] = (await Promise.all(paths.map((p) => import(p)))) as [
      Pick<MachineLayer, "ensureSetup">,
      Pick<MachineLayer, "ensureImage">,
      Pick<MachineLayer, "openHypervisor">,
    ];
    return {
      ensureSetup: setup.ensureSetup,
      ensureImage: build.ensureImage,
      openHypervisor: hv.openHypervisor,
    };
  } catch (err) {
    throw new InfraError(
      `the machine layer (harness/src/guest-image, harness/src/libvirt) is not available in this build: ${errorText(err)}`,
      "bring-up",
    );
  }
}

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
        "bring-up",
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

/** Host setup and guest image (local hypervisor only). */
export async function prepareHost(log: Log): Promise<void> {
  const layer = await importMachineLayer();
  if (!isRemote()) {
    await guarded("host setup")(() => layer.ensureSetup(log));
    await guarded("guest image")(() => layer.ensureImage(log));
  }
}

/** Opens the hypervisor of the prepared substrate. */
export async function openSubstrateHypervisor(log?: Log): Promise<Hypervisor> {
  const layer = await importMachineLayer();
  return guarded("hypervisor")(() => layer.openHypervisor({ log }));
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
