/** DesiredState ⇄ its retained-snapshot form (Buffers as base64; the source is re-pointed at the snapshot). */
import type { DesiredState } from "../desired/model.js";
import type { DesiredSnapshot, Snapshot } from "./snapshots.js";

export function toDesiredSnapshot(d: DesiredState): DesiredSnapshot {
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
      content_base64: c.content.toString("base64"),
      mode: c.mode,
      referencedBy: [...c.referencedBy],
    })),
    configs: d.configs.map((c) => ({
      service: c.service,
      target: c.target,
      source: { ...c.source },
      ...(c.replaces ? { replaces: { ...c.replaces } } : {}),
      content_base64: c.content.toString("base64"),
      mode: c.mode,
      owner: c.owner,
      group: c.group,
    })),
  };
}

export function fromSnapshot(s: Snapshot): DesiredState {
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
      content: Buffer.from(c.content_base64, "base64"),
      mode: c.mode,
      referencedBy: c.referencedBy,
    })),
    configs: d.configs.map((c) => ({
      service: c.service,
      target: c.target,
      source: c.source,
      ...(c.replaces ? { replaces: c.replaces } : {}),
      content: Buffer.from(c.content_base64, "base64"),
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
