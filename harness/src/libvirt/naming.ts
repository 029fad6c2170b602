/** Names of what one run creates: domain `coreops-verify-<run>`, overlay `<domain>.qcow2`. */
export const DOMAIN_PREFIX = "coreops-verify-";

export function domainName(runId: string): string {
  return `${DOMAIN_PREFIX}${runId}`;
}

export function overlayVolumeName(runId: string): string {
  return `${domainName(runId)}.qcow2`;
}

export function runIdOfDomain(name: string): string | undefined {
  return name.startsWith(DOMAIN_PREFIX) ? name.slice(DOMAIN_PREFIX.length) : undefined;
}

export function runIdOfVolume(volume: string): string | undefined {
  return volume.endsWith(".qcow2") ? runIdOfDomain(volume.slice(0, -".qcow2".length)) : undefined;
}
