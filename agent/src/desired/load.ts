/**
 * `loadDesiredState`: reads a desired-state repository directory (ARCHITECTURE.md "The desired-state
 * repository") for one host and returns its layered desired state. Every bad input is a typed CoreOpsError naming the file (and line), exit 65; a
 * missing root is exit 64. Everything is sorted explicitly; directory order never leaks into the result.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { CoreOpsError, ExitCode, layoutError } from "../errors.js";
import { NATIVE_UNIT_EXTENSIONS, QUADLET_EXTENSIONS, unitFamily } from "../units/quadlet.js";
import { type CompanionCandidate, resolveCompanions } from "./companions.js";
import { configTarget } from "./config-target.js";
import { parseHostFile } from "./host-file.js";
import { layerConfigs, layerDropIns, type RawConfig, type RawDropIn } from "./layering.js";
import type { DesiredSource, DesiredState, DesiredUnit, Layer, SourceRef } from "./model.js";
import { compareNames, isIdentifier, sortedNames } from "./names.js";
import { readRenderedFile } from "./rendered-file.js";
import { checkInstallNames, checkRuntimeNames, checkUnitFileName, effectiveUnits } from "./unit-checks.js";
import { readUnitText } from "./unit-text.js";
import { describe, type Entry, type Listing, listDir, listFilesRecursive, scanRepository } from "./walk.js";

const SERVICE_KINDS_HINT =
  "a service directory may hold: Quadlet files (" +
  QUADLET_EXTENSIONS.join(" ") +
  "), native units (" +
  NATIVE_UNIT_EXTENSIONS.join(" ") +
  "), <unit>.d/<name>.conf drop-ins, config/etc/<path> host files, and companion files that a Quadlet file of the service references";
const OVERRIDE_KINDS_HINT =
  "hosts/<host>/overrides/ may hold only <unit>.d/<name>.conf host drop-ins and config/etc/<path> replacements";
const HOST_DIR_HINT = "hosts/<host>/ may hold only host.yaml and overrides/";

interface BaseUnit {
  service: string;
  fileName: string;
  family: "quadlet" | "native";
  source: SourceRef;
  text: string;
}

interface ServiceContent {
  units: BaseUnit[];
  dropIns: RawDropIn[];
  configs: RawConfig[];
  candidates: CompanionCandidate[];
}

export async function loadDesiredState(
  root: string,
  host: string,
  source: Partial<DesiredSource> = {},
): Promise<DesiredState> {
  const absRoot = path.resolve(root);
  if (!existsSync(absRoot) || !statSync(absRoot).isDirectory()) {
    throw new CoreOpsError(`desired-state repository '${root}' does not exist or is not a directory`, {
      code: "source_missing",
      file: root,
      exitCode: ExitCode.sourceMissing,
      hint: "pass --source-repo <PATH> pointing at a checkout that contains services/ and hosts/",
    });
  }
  const realRoot = realpathSync(absRoot);
  const listing = scanRepository(realRoot);

  const servicesAbs = path.join(realRoot, "services");
  const hostsAbs = path.join(realRoot, "hosts");
  requireDir(servicesAbs, "services", "missing_services_dir", "create services/<service>/ directories");
  requireDir(hostsAbs, "hosts", "missing_hosts_dir", "create hosts/<host>/host.yaml");

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

  // Read the selected services in name order, so the first error reported is deterministic.
  const contents = new Map<string, ServiceContent>();
  for (const svc of sortedNames(declaration.services)) {
    const dir = serviceDirs.get(svc);
    if (dir) contents.set(svc, readService(svc, dir, listing));
  }

  const hostDropIns: RawDropIn[] = [];
  const hostConfigs: RawConfig[] = [];
  if (overridesDir) readOverrides(overridesDir, hostDropIns, hostConfigs, listing);

  // Units, with one source per destination across services.
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

  const baseConfigs: (RawConfig & { service: string })[] = [];
  const configOwner = new Map<string, SourceRef>();
  for (const [svc, content] of contents) {
    for (const c of content.configs) {
      const other = configOwner.get(c.target);
      if (other) throw conflict(c.target, other.path, c.source.path);
      configOwner.set(c.target, c.source);
      baseConfigs.push({ ...c, service: svc });
    }
  }

  for (const d of hostDropIns) {
    if (!unitOwner.has(d.unit)) {
      throw layoutError(`host drop-in for unit '${d.unit}', which no selected service provides`, {
        code: "dropin_unit_missing",
        file: d.source.path,
        hint: `drop-in directories are named <unit file>.d; selected units: ${sortedNames(unitOwner.keys()).join(", ") || "(none)"}`,
      });
    }
  }

  const desiredUnits: DesiredUnit[] = units
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

function readService(svc: string, dir: Entry, listing: Listing): ServiceContent {
  const out: ServiceContent = { units: [], dropIns: [], configs: [], candidates: [] };
  const dropInDirs: Entry[] = [];
  for (const entry of listDir(dir.abs, dir.rel, listing)) {
    if (entry.kind === "other") throw unknownEntry(entry, SERVICE_KINDS_HINT);
    if (entry.kind === "dir" && entry.name === "config") {
      out.configs.push(...readConfigTree(entry, "base", listing));
    } else if (entry.kind === "dir" && entry.name.endsWith(".d")) {
      dropInDirs.push(entry);
    } else if (entry.kind === "file" && unitFamily(entry.name)) {
      const family = unitFamily(entry.name) ?? "native";
      checkUnitFileName(entry.name, entry.rel);
      out.units.push({
        service: svc,
        fileName: entry.name,
        family,
        source: { layer: "base", path: entry.rel },
        text: readUnitText(entry),
      });
    } else if (entry.kind === "dir") {
      for (const file of listFilesRecursive(entry.abs, entry.rel, listing)) {
        if (file.kind !== "file") throw unknownEntry(file, SERVICE_KINDS_HINT);
        out.candidates.push({ service: svc, relPath: file.rel.slice(dir.rel.length + 1), entry: file });
      }
    } else {
      out.candidates.push({ service: svc, relPath: entry.name, entry });
    }
  }
  const unitNames = new Set(out.units.map((u) => u.fileName));
  for (const d of dropInDirs) {
    const unit = d.name.slice(0, -2);
    if (!unitNames.has(unit)) {
      throw layoutError(
        `drop-in directory '${d.rel}' is for unit '${unit}', which does not exist in service '${svc}'`,
        {
          code: "dropin_unit_missing",
          file: d.rel,
          hint: `name drop-in directories <unit file>.d after a unit of this service: ${sortedNames(unitNames).join(", ") || "(none)"}`,
        },
      );
    }
    out.dropIns.push(...readDropInDir(d, unit, "base", listing));
  }
  return out;
}

function readOverrides(dir: Entry, dropIns: RawDropIn[], configs: RawConfig[], listing: Listing): void {
  for (const entry of listDir(dir.abs, dir.rel, listing)) {
    if (entry.kind === "dir" && entry.name === "config")
      configs.push(...readConfigTree(entry, "host", listing));
    else if (entry.kind === "dir" && entry.name.endsWith(".d"))
      dropIns.push(...readDropInDir(entry, entry.name.slice(0, -2), "host", listing));
    else throw unknownEntry(entry, OVERRIDE_KINDS_HINT);
  }
}

function readDropInDir(dir: Entry, unit: string, layer: Layer, listing: Listing): RawDropIn[] {
  return listDir(dir.abs, dir.rel, listing).map((entry) => {
    if (entry.kind !== "file" || !entry.name.endsWith(".conf")) {
      throw layoutError(`drop-in '${entry.rel}' does not end in .conf`, {
        code: "dropin_not_conf",
        file: entry.rel,
        hint: `systemd reads only <name>.conf files from ${dir.name}/; rename it to end in .conf or move it out`,
      });
    }
    if (!isIdentifier(entry.name)) {
      throw layoutError(`drop-in file name '${entry.name}' is not a valid identifier`, {
        code: "invalid_identifier",
        file: entry.rel,
        hint: "drop-in names match ^[A-Za-z0-9][A-Za-z0-9._-]*$, e.g. 10-limits.conf",
      });
    }
    return { unit, name: entry.name, source: { layer, path: entry.rel }, text: readUnitText(entry) };
  });
}

function readConfigTree(dir: Entry, layer: Layer, listing: Listing): RawConfig[] {
  return listFilesRecursive(dir.abs, dir.rel, listing).map((file) => {
    if (file.kind !== "file") {
      throw layoutError(`'${file.rel}' is not a regular file`, {
        code: "unknown_file_kind",
        file: file.rel,
        hint: "config/etc/ may hold only regular files (and symlinks to files inside the repository)",
      });
    }
    const target = configTarget(file.rel.slice(dir.rel.length + 1), file.rel);
    return {
      target,
      source: { layer, path: file.rel },
      content: readRenderedFile(file.abs, file.rel),
      mode: file.executable ? 0o755 : 0o644,
    };
  });
}

function requireDir(abs: string, rel: string, code: string, hint: string): void {
  if (!existsSync(abs) || describe(abs, rel).kind !== "dir") {
    throw layoutError(`missing ${rel}/ directory at the repository root`, { code, file: rel, hint });
  }
}

function unknownEntry(entry: Entry, hint: string): CoreOpsError {
  return layoutError(`unexpected ${entry.kind === "dir" ? "directory" : "file"} '${entry.rel}'`, {
    code: "unknown_file_kind",
    file: entry.rel,
    hint,
  });
}

function conflict(destination: string, first: string, second: string): CoreOpsError {
  return layoutError(`two sources for ${destination}: '${first}' and '${second}'`, {
    code: "destination_conflict",
    file: second,
    related: [first],
    hint: "each destination has exactly one source among the selected services; rename or remove one of them",
  });
}
