/**
 * DesiredState ⇄ its retained-snapshot form: file contents go to / come from the content store by digest
 * (the caller passes the store operations); the source is re-pointed at the snapshot.
 */
import type { DesiredState } from "../desired/model.js";
import type { Digest } from "./content-store.js";
import type { DesiredSnapshot, Snapshot } from "./snapshots.js";

/** `put` stores bytes durably and returns their digest (content-store.ts putObject). */
export function toDesiredSnapshot(d: DesiredState, put: (bytes: Buffer) => Digest): DesiredSnapshot {
  return {
    host: d.host,
    hostFile: d.hostFile,
    services: [...d.services],
    units: d.units.map((u) => ({
      service: u.service,
      fileName: u.fileName,
      family: u.family,
      source: { ...u.source },
      text: u.text,
      dropIns: u.dropIns.map((x) => ({
        name: x.name,
        source: { ...x.source },
        text: x.text,
        ...(x.replaces ? { replaces: { ...x.replaces } } : {}),
      })),
    })),
    companions: d.companions.map((c) => ({
      service: c.service,
      relPath: c.relPath,
      source: { ...c.source },
      content: put(c.content),
      size: c.content.length,
      mode: c.mode,
      referencedBy: [...c.referencedBy],
    })),
    configs: d.configs.map((c) => ({
      service: c.service,
      target: c.target,
      source: { ...c.source },
      ...(c.replaces ? { replaces: { ...c.replaces } } : {}),
      content: put(c.content),
      size: c.content.length,
      mode: c.mode,
      owner: c.owner,
      group: c.group,
    })),
  };
}

/** `get` returns the stored bytes of a digest (content-store.ts readObject), or throws a typed error. */
export function fromSnapshot(s: Snapshot, get: (digest: Digest) => Buffer): DesiredState {
  const d = s.desired;
  return {
    host: d.host,
    hostFile: d.hostFile,
    services: [...d.services],
    units: d.units.map((u) => ({
      service: u.service,
      fileName: u.fileName,
      family: u.family,
      source: u.source,
      text: u.text,
      dropIns: u.dropIns.map((x) => ({
        name: x.name,
        source: x.source,
        text: x.text,
        ...(x.replaces ? { replaces: x.replaces } : {}),
      })),
    })),
    companions: d.companions.map((c) => ({
      service: c.service,
      relPath: c.relPath,
      source: c.source,
      content: get(c.content),
      mode: c.mode,
      referencedBy: c.referencedBy,
    })),
    configs: d.configs.map((c) => ({
      service: c.service,
      target: c.target,
      source: c.source,
      ...(c.replaces ? { replaces: c.replaces } : {}),
      content: get(c.content),
      mode: c.mode,
      owner: c.owner,
      group: c.group,
    })),
    source: {
      kind: "git",
      root: `snapshot:${s.revision}`,
      repository: s.repository,
      requestedRef: s.requested_ref,
      revision: s.revision,
    },
  };
}
