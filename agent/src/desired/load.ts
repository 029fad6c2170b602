/**
 * `loadDesiredState`: reads a desired-state repository directory (ARCHITECTURE.md "The desired-state
 * repository") for one host and returns its layered desired state. Every bad input is a typed CoreOpsError naming the file (and line), exit 65; a
 * missing root is exit 64. Everything is sorted explicitly; directory order never leaks into the result.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { CoreOpsError, ExitCode, layoutError } from "../errors.js";
import { resolveCompanions } from "./companions.js";
import { type ParsedHostFile, parseHostFile } from "./host-file.js";
import { layerConfigs, layerDropIns, type RawConfig, type RawDropIn } from "./layering.js";
import type { DesiredSource, DesiredState, DesiredUnit, SourceRef } from "./model.js";
import { compareNames, isIdentifier, sortedNames } from "./names.js";
import {
  type BaseUnit,
  readOverrides,
  readService,
  SERVICE_KINDS_HINT,
  type ServiceContent,
  unknownEntry,
} from "./service-content.js";
import { checkInstallNames, checkRuntimeNames, effectiveUnits } from "./unit-checks.js";
import { describe, type Entry, type Listing, listDir, scanRepository } from "./walk.js";

const HOST_DIR_HINT = "hosts/<host>/ may hold only host.yaml and overrides/";

interface HostDir {
  hostFile: string;
  declaration: ParsedHostFile;
  overridesDir: Entry | undefined;
}

type BaseConfig = RawConfig & { service: string };

export async function loadDesiredState(
  root: string,
  host: string,
  source: Partial<DesiredSource> = {},
): Promise<DesiredState> {
  const absRoot = path.resolve(root);
  requireRoot(absRoot, root);
  const realRoot = realpathSync(absRoot);
  const listing = scanRepository(realRoot);

  const servicesAbs = path.join(realRoot, "services");
  const hostsAbs = path.join(realRoot, "hosts");
  requireDir(servicesAbs, "services", "missing_services_dir", "create services/<service>/ directories");
  requireDir(hostsAbs, "hosts", "missing_hosts_dir", "create hosts/<host>/host.yaml");

  const { hostFile, declaration, overridesDir } = readHostDir(hostsAbs, host, listing);
  const serviceDirs = listServiceDirs(servicesAbs, listing);
  checkSelectedServices(declaration, serviceDirs, hostFile);

  const contents = readSelectedServices(declaration.services, serviceDirs, listing);
  const hostDropIns: RawDropIn[] = [];
  const hostConfigs: RawConfig[] = [];
  if (overridesDir) readOverrides(overridesDir, hostDropIns, hostConfigs, listing);

  const { units, unitOwner } = collectUnits(contents);
  const baseConfigs = collectBaseConfigs(contents);
  checkHostDropIns(hostDropIns, unitOwner);

  const desiredUnits = layerUnits(units, contents, hostDropIns);
  const configs = layerConfigs(baseConfigs, hostConfigs, declaration.services);

  const effective = effectiveUnits(desiredUnits);
  checkRuntimeNames(desiredUnits, effective);
  checkInstallNames(desiredUnits, effective);
  const companions = resolveCompanions(
    desiredUnits,
    effective,
    [...contents.values()].flatMap((c) => c.candidates),
    SERVICE_KINDS_HINT,
  );

  return {
    host,
    hostFile,
    services: [...declaration.services],
    units: desiredUnits,
    companions,
    configs,
    source: {
      kind: "directory",
      root: absRoot,
      repository: null,
      requestedRef: null,
      revision: null,
      ...source,
    },
  };
}

function requireRoot(absRoot: string, root: string): void {
  if (!existsSync(absRoot) || !statSync(absRoot).isDirectory()) {
    throw new CoreOpsError(`desired-state repository '${root}' does not exist or is not a directory`, {
      code: "source_missing",
      file: root,
      exitCode: ExitCode.sourceMissing,
      hint: "pass --source-repo <PATH> pointing at a checkout that contains services/ and hosts/",
    });
  }
}

/** Finds hosts/<host>/, checks it holds only host.yaml and overrides/, and parses host.yaml. */
function readHostDir(hostsAbs: string, host: string, listing: Listing): HostDir {
  if (!isIdentifier(host)) {
    throw layoutError(`host name '${host}' is not a valid identifier`, {
      code: "invalid_identifier",
      field: "host",
      hint: "host names match ^[A-Za-z0-9][A-Za-z0-9._-]*$; pass --host or set CORE_OPS_HOST",
    });
  }
  const hostDirs = listDir(hostsAbs, "hosts", listing);
  const hostRel = `hosts/${host}`;
  const hostDir = hostDirs.find((e) => e.name === host);
  if (hostDir?.kind !== "dir") {
    const known = hostDirs.filter((e) => e.kind === "dir").map((e) => e.name);
    throw layoutError(`no host directory ${hostRel}/ for host '${host}'`, {
      code: "host_not_found",
      file: hostRel,
      field: "host",
      hint: `known hosts: ${known.join(", ") || "(none)"}; pass --host <name> or set CORE_OPS_HOST, or create ${hostRel}/host.yaml`,
    });
  }

  const hostFile = `${hostRel}/host.yaml`;
  let hostYaml: Entry | undefined;
  let overridesDir: Entry | undefined;
  for (const entry of listDir(hostDir.abs, hostRel, listing)) {
    if (entry.name === "host.yaml" && entry.kind === "file") hostYaml = entry;
    else if (entry.name === "overrides" && entry.kind === "dir") overridesDir = entry;
    else throw unknownEntry(entry, HOST_DIR_HINT);
  }
  if (!hostYaml) {
    throw layoutError(`missing host declaration ${hostFile}`, {
      code: "missing_host_file",
      file: hostFile,
      hint: `create it with 'host: ${host}' and 'services: [...]'`,
    });
  }
  const declaration = parseHostFile(readFileSync(hostYaml.abs, "utf8"), hostFile, host);
  return { hostFile, declaration, overridesDir };
}

function listServiceDirs(servicesAbs: string, listing: Listing): Map<string, Entry> {
  const serviceDirs = new Map<string, Entry>();
  for (const entry of listDir(servicesAbs, "services", listing)) {
    if (entry.kind !== "dir") {
      throw layoutError(`'${entry.rel}' is not a service directory`, {
        code: "unknown_file_kind",
        file: entry.rel,
        hint: "services/ holds only services/<service>/ directories",
      });
    }
    if (!isIdentifier(entry.name)) {
      throw layoutError(`service directory name '${entry.name}' is not a valid identifier`, {
        code: "invalid_identifier",
        file: entry.rel,
        hint: "service names match ^[A-Za-z0-9][A-Za-z0-9._-]*$; rename the directory",
      });
    }
    serviceDirs.set(entry.name, entry);
  }
  return serviceDirs;
}

function checkSelectedServices(
  declaration: HostDir["declaration"],
  serviceDirs: Map<string, Entry>,
  hostFile: string,
): void {
  declaration.services.forEach((svc, i) => {
    if (!serviceDirs.has(svc)) {
      throw layoutError(`unknown service '${svc}': there is no services/${svc}/ directory`, {
        code: "unknown_service",
        file: hostFile,
        line: declaration.serviceLines[i],
        field: `services[${i}]`,
        hint: `known services: ${sortedNames(serviceDirs.keys()).join(", ") || "(none)"}; fix the name or add services/${svc}/`,
      });
    }
  });
}

/** Reads the selected services in name order, so the first error reported is deterministic. */
function readSelectedServices(
  services: readonly string[],
  serviceDirs: Map<string, Entry>,
  listing: Listing,
): Map<string, ServiceContent> {
  const contents = new Map<string, ServiceContent>();
  for (const svc of sortedNames(services)) {
    const dir = serviceDirs.get(svc);
    if (dir) contents.set(svc, readService(svc, dir, listing));
  }
  return contents;
}

/** Units of all selected services, with one source per destination across services. */
function collectUnits(contents: Map<string, ServiceContent>): {
  units: BaseUnit[];
  unitOwner: Map<string, BaseUnit>;
} {
  const units: BaseUnit[] = [];
  const unitOwner = new Map<string, BaseUnit>();
  for (const content of contents.values()) {
    for (const u of content.units) {
      const other = unitOwner.get(u.fileName);
      if (other) throw conflict(`unit file ${u.fileName}`, other.source.path, u.source.path);
      unitOwner.set(u.fileName, u);
      units.push(u);
    }
  }
  return { units, unitOwner };
}

/** Base config files of all selected services, with one source per target across services. */
function collectBaseConfigs(contents: Map<string, ServiceContent>): BaseConfig[] {
  const baseConfigs: BaseConfig[] = [];
  const configOwner = new Map<string, SourceRef>();
  for (const [svc, content] of contents) {
    for (const c of content.configs) {
      const other = configOwner.get(c.target);
      if (other) throw conflict(c.target, other.path, c.source.path);
      configOwner.set(c.target, c.source);
      baseConfigs.push({ ...c, service: svc });
    }
  }
  return baseConfigs;
}

function checkHostDropIns(hostDropIns: RawDropIn[], unitOwner: Map<string, BaseUnit>): void {
  for (const d of hostDropIns) {
    if (!unitOwner.has(d.unit)) {
      throw layoutError(`host drop-in for unit '${d.unit}', which no selected service provides`, {
        code: "dropin_unit_missing",
        file: d.source.path,
        hint: `drop-in directories are named <unit file>.d; selected units: ${sortedNames(unitOwner.keys()).join(", ") || "(none)"}`,
      });
    }
  }
}

function layerUnits(
  units: BaseUnit[],
  contents: Map<string, ServiceContent>,
  hostDropIns: RawDropIn[],
): DesiredUnit[] {
  return units
    .map((u) => {
      const base = contents.get(u.service)?.dropIns.filter((d) => d.unit === u.fileName) ?? [];
      const host = hostDropIns.filter((d) => d.unit === u.fileName);
      return {
        service: u.service,
        fileName: u.fileName,
        family: u.family,
        source: u.source,
        text: u.text,
        dropIns: layerDropIns(u.fileName, base, host),
      };
    })
    .sort((a, b) => compareNames(a.fileName, b.fileName));
}

function requireDir(abs: string, rel: string, code: string, hint: string): void {
  if (!existsSync(abs) || describe(abs, rel).kind !== "dir") {
    throw layoutError(`missing ${rel}/ directory at the repository root`, { code, file: rel, hint });
  }
}

function conflict(destination: string, first: string, second: string): CoreOpsError {
  return layoutError(`two sources for ${destination}: '${first}' and '${second}'`, {
    code: "destination_conflict",
    file: second,
    related: [first],
    hint: "each destination has exactly one source among the selected services; rename or remove one of them",
  });
}
