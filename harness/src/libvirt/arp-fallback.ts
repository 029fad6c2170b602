/**
 * The opt-in readiness fallback: the guest's address from libvirt's ARP table, as a readiness record with
 * no token (recorded as `fallback_used`). Asked once, when the readiness wait has run out of time.
 */
import type { ReadinessRecord } from "../machine.js";
import type { Virsh } from "./virsh.js";

export async function arpReadinessRecord(
  virsh: Virsh,
  domain: string,
  runId: string,
): Promise<ReadinessRecord | undefined> {
  const result = await virsh.run(["domifaddr", domain, "--source", "arp"], { allowFailure: true });
  const ip = /ipv4\s+([0-9.]+)\//.exec(result.stdout)?.[1];
  if (ip === undefined) return undefined;
  return { run_id: runId, token: "", ip, boot_id: "", hostname: "", ts: new Date().toISOString() };
}
