/**
 * The digest of the desired tree one commit produces for this host (README "Quarantine of a failed
 * revision"): sha256 of the canonical JSON of its retained-snapshot form, file contents by digest. Two
 * commits that change nothing this host reads have the same digest; the commit id is not part of it.
 * Desired states are not mutated after loading, so the digest is memoized per object.
 */
import type { DesiredState } from "../desired/model.js";
import { sha256 } from "../digest.js";
import type { Digest } from "./content-store.js";
import { toDesiredSnapshot } from "./snapshot-desired.js";

/** Computed once per loaded desired state (admission, apply and the failure record all ask). */
const computed = new WeakMap<DesiredState, string>();

export function desiredTreeDigest(desired: DesiredState): string {
  const known = computed.get(desired);
  if (known !== undefined) return known;
  const snapshot = toDesiredSnapshot(desired, (bytes) => sha256(bytes) as Digest);
  const digest = sha256(JSON.stringify(snapshot));
  computed.set(desired, digest);
  return digest;
}
