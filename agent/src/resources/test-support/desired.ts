/** Test helpers for the resources and plan tests: small DesiredState values built in memory. */
import type { DesiredState, DesiredUnit } from "../../desired/model.js";

export function unit(
  service: string,
  fileName: string,
  text: string,
  dropIns: DesiredUnit["dropIns"] = [],
): DesiredUnit {
  const family = /\.(container|volume|network|pod|kube|image|build)$/.test(fileName) ? "quadlet" : "native";
  return {
    service,
    fileName,
    family,
    source: { layer: "base", path: `services/${service}/${fileName}` },
    text,
    dropIns,
  };
}

export function desiredState(partial: Partial<DesiredState>): DesiredState {
  return {
    host: "h1",
    hostFile: "hosts/h1/host.yaml",
    services: [],
    units: [],
    companions: [],
    configs: [],
    source: { kind: "directory", root: "/repo", repository: "/repo", requestedRef: null, revision: null },
    ...partial,
  };
}

export const DIRS = { quadletDir: "/etc/containers/systemd", unitDir: "/etc/systemd/system" };
