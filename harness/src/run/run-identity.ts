/** The identity of a run (bundle/identity.ts) from the hypervisor's booted image and the delivered binary. */
import type { RunIdentity } from "../bundle/identity.js";
import type { Hypervisor } from "../machine.js";
import { readBuildIdentity } from "./build-identity.js";

export function runIdentity(hypervisor: Hypervisor, agentBinary: string): RunIdentity {
  let build: ReturnType<typeof readBuildIdentity> = null;
  try {
    build = readBuildIdentity(agentBinary);
  } catch {
    build = null;
  }
  return {
    guest_image: hypervisor.image.identity,
    agent_binary: build
      ? { version: build.version, revision: build.revision, tree_state: build.tree_state }
      : null,
  };
}
