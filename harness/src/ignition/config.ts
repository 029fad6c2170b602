/**
 * Ignition config (spec 3.3.0 — the highest Debian's Ignition 2.14 accepts, and Fedora CoreOS accepts it
 * too) generated in code for one run: the run's SSH key for the image's admin user, passwordless sudo, a
 * per-run SSH host key the client pins, the readiness script and unit, and the delivery-disk mount.
 * Pure: keys and token come in as arguments.
 */
import { deliveryMountUnit, deliveryMountUnitName } from "./delivery-mount.js";
import { READY_SCRIPT_PATH, READY_UNIT_NAME, readinessScript, readinessUnit } from "./readiness-unit.js";

export const IGNITION_SPEC_VERSION = "3.3.0";

export interface IgnitionFile {
  path: string;
  mode: number;
  overwrite: boolean;
  contents: { source: string };
}

export interface IgnitionUnit {
  name: string;
  enabled?: boolean;
  contents?: string;
  dropins?: { name: string; contents: string }[];
}

export interface IgnitionDirectory {
  path: string;
  mode: number;
}

export interface IgnitionLink {
  path: string;
  target: string;
  hard: boolean;
  overwrite: boolean;
}

/** The subset of the Ignition 3.3.0 schema the harness emits. */
export interface IgnitionConfig {
  ignition: { version: string };
  passwd: { users: { name: string; groups: string[]; sshAuthorizedKeys: string[] }[] };
  storage: { directories?: IgnitionDirectory[]; files: IgnitionFile[]; links?: IgnitionLink[] };
  systemd: { units: IgnitionUnit[] };
}

/**
 * What a caller adds to the run's own config (e.g. an installation of the agent as a host would get it),
 * appended after the harness's entries. Paths and unit names must not collide with the harness's own.
 */
export interface IgnitionExtras {
  directories?: IgnitionDirectory[];
  files?: IgnitionFile[];
  links?: IgnitionLink[];
  units?: IgnitionUnit[];
}

export interface IgnitionInputs {
  runId: string;
  token: string;
  sshUser: string;
  adminGroup: "sudo" | "wheel";
  /** OpenSSH public key line of the run's client key. */
  authorizedKey: string;
  /** The run's SSH host key (OpenSSH private key text and public key line). */
  hostKey: { privateKey: string; publicKey: string };
  /** Mount the read-only delivery disk (only when the machine has deliveries). */
  deliveryMount: boolean;
  /** Entries appended to the config (see `IgnitionExtras`). */
  extras?: IgnitionExtras;
  /**
   * QEMU user networking always hands out 10.0.2.15/24: configure it statically instead of waiting for
   * DHCP (user-restricted network mode only).
   */
  staticUserAddress?: boolean;
}

/** The address QEMU's user-mode network gives the (first) guest NIC. */
export const USER_NETWORK_GUEST_ADDRESS = "10.0.2.15/24";
export const STATIC_USER_NETWORK_PATH = "/etc/systemd/network/10-core-ops-verify-usernet.network";

export function staticUserNetworkFile(): string {
  return `[Match]
Name=eth* en*

[Network]
Address=${USER_NETWORK_GUEST_ADDRESS}
DHCP=no
LinkLocalAddressing=no
IPv6AcceptRA=no
`;
}

/** `data:` URL with base64 payload: byte-exact, and one encoded form for redaction to find. */
export function dataUrl(text: string): string {
  return `data:;base64,${Buffer.from(text, "utf8").toString("base64")}`;
}

export function ignitionFile(path: string, mode: number, text: string): IgnitionFile {
  return { path, mode, overwrite: true, contents: { source: dataUrl(text) } };
}

export function buildIgnitionConfig(inputs: IgnitionInputs): IgnitionConfig {
  const units: IgnitionUnit[] = [];
  const after: string[] = [];
  if (inputs.deliveryMount) {
    units.push({ name: deliveryMountUnitName(), enabled: true, contents: deliveryMountUnit() });
    after.push(deliveryMountUnitName());
  }
  units.push({ name: READY_UNIT_NAME, enabled: true, contents: readinessUnit(after) });
  const extras = inputs.extras ?? {};
  const own = new Set(units.map((u) => u.name));
  for (const u of extras.units ?? []) {
    if (own.has(u.name)) throw new Error(`Ignition extras: unit ${u.name} is the harness's own`);
  }
  const config: IgnitionConfig = {
    ignition: { version: IGNITION_SPEC_VERSION },
    passwd: {
      users: [
        { name: inputs.sshUser, groups: [inputs.adminGroup], sshAuthorizedKeys: [inputs.authorizedKey] },
      ],
    },
    storage: {
      files: [
        ignitionFile(
          "/etc/ssh/ssh_host_ed25519_key",
          0o600,
          ensureTrailingNewline(inputs.hostKey.privateKey),
        ),
        ignitionFile(
          "/etc/ssh/ssh_host_ed25519_key.pub",
          0o644,
          ensureTrailingNewline(inputs.hostKey.publicKey),
        ),
        ignitionFile(
          `/etc/sudoers.d/90-core-ops-verify-${inputs.sshUser}`,
          0o440,
          `${inputs.sshUser} ALL=(ALL) NOPASSWD: ALL\n`,
        ),
        ignitionFile(READY_SCRIPT_PATH, 0o755, readinessScript(inputs.runId, inputs.token)),
        ...(inputs.staticUserAddress === true
          ? [ignitionFile(STATIC_USER_NETWORK_PATH, 0o644, staticUserNetworkFile())]
          : []),
        ...(extras.files ?? []),
      ],
    },
    systemd: { units: [...units, ...(extras.units ?? [])] },
  };
  const taken = new Set(config.storage.files.map((f) => f.path));
  if (taken.size !== config.storage.files.length)
    throw new Error("Ignition extras: a file path collides with one of the harness's own files");
  if (extras.directories?.length) config.storage.directories = extras.directories;
  if (extras.links?.length) config.storage.links = extras.links;
  return config;
}

/** The exact bytes written to `config.ign` (stable key order from construction). */
export function renderIgnitionConfig(config: IgnitionConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

function ensureTrailingNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
