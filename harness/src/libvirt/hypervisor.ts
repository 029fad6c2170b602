/**
 * `openHypervisor`: the libvirt `Hypervisor` (README.md "Disposable guests (the machine layer)") — connection URI, storage pool, base image and its
 * descriptor, domain type from the setup's KVM probe — that creates `LibvirtMachine`s. The one entry point
 * the scenario layer calls; everything else in this folder is behind it.
 */
import { join } from "node:path";
import { findImage } from "../guest-image/build.js";
import { ensureBaseImage } from "../guest-image/image-store.js";
import { substratePaths } from "../guest-image/paths.js";
import type { Hypervisor, ImageSummary, Machine, MachineSpec } from "../machine.js";
import { type BaseImage, cachedImages, probedDomainType, resolveBaseImage } from "./base-image.js";
import { type ConnectionOverrides, type ConnectionSettings, resolveConnection } from "./connection.js";
import { type DestroyRunReport, destroyRun } from "./destroy-run.js";
import type { DomainType } from "./domain-xml.js";
import { selectImageVersion } from "./image-version.js";
import { LibvirtMachine } from "./libvirt-machine.js";
import { type ListedMachine, listMachines } from "./machine-list.js";
import { type SweepReport, sweepOrphans, takeInventory } from "./orphan-sweep.js";
import { ownerAlive } from "./owner.js";
import { readRetained } from "./retained.js";
import type { SweepOptions } from "./sweep-plan.js";
import { execaVirsh, type Virsh } from "./virsh.js";

export interface OpenHypervisorOptions extends ConnectionOverrides {
  /** Progress and teardown messages (default: none). */
  log?: (line: string) => void;
  /** Environment to read `CORE_OPS_VERIFY_*` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Replace the virsh effect (tests of the logic above it). */
  virsh?: Virsh;
  /** Appended to the image's kernel command line (direct-kernel images; boot-time experiments). */
  extraCmdline?: string;
  /** CPU model under TCG (default `qemu64`). */
  tcgCpuModel?: string;
  /** Static guest address instead of DHCP on the user-restricted network. */
  staticUserAddress?: boolean;
  /**
   * Build the local guest image when it is missing (the substrate's `ensureBaseImage`: minutes, root only).
   * Default false: a missing image is an error naming the command.
   */
  ensureImage?: boolean;
  /** Remove dead owners' leftovers before the first machine (default true). */
  sweepOrphans?: boolean;
}

export class LibvirtHypervisor implements Hypervisor {
  readonly uri: string;
  readonly image: ImageSummary;
  private swept = false;

  constructor(
    readonly settings: ConnectionSettings,
    readonly baseImage: BaseImage,
    readonly domainType: DomainType,
    readonly domainTypeReason: string,
    private readonly virsh: Virsh,
    private readonly options: OpenHypervisorOptions,
  ) {
    this.uri = settings.uri;
    const { descriptor } = baseImage;
    this.image = {
      name: descriptor.name,
      descriptorPath: baseImage.descriptorPath,
      sshUser: descriptor.ssh_user,
      adminGroup: descriptor.admin_group,
      localContainerImages: [...descriptor.local_container_images],
    };
  }

  get runsDir(): string {
    return join(this.settings.stateDir, "runs");
  }

  /** Removes leftovers of runs whose owner process is gone (never a live sibling's). */
  sweep(): Promise<SweepReport> {
    return sweepOrphans(this.virsh, this.settings.pool, this.runsDir);
  }

  async createMachine(spec: MachineSpec): Promise<Machine> {
    return this.createLibvirtMachine(spec);
  }

  /** As `createMachine`, typed with the libvirt extras (`timings`). */
  async createLibvirtMachine(spec: MachineSpec): Promise<LibvirtMachine> {
    const log = this.options.log ?? (() => undefined);
    if (!this.swept && this.options.sweepOrphans !== false) {
      this.swept = true;
      const report = await this.sweep();
      const removed = report.domains.length + report.volumes.length + report.runDirs.length;
      if (removed > 0) {
        log(
          `orphan sweep: removed ${report.domains.length} domain(s), ${report.volumes.length} volume(s), ${report.runDirs.length} run dir(s)`,
        );
      }
      for (const error of report.errors) log(`orphan sweep: ${error}`);
    }
    const image =
      spec.imageVersion === undefined
        ? this.baseImage
        : selectImageVersion(
            cachedImages(this.settings.imageCacheDir),
            spec.imageVersion,
            this.settings.imageCacheDir,
          );
    if (spec.imageVersion !== undefined) log(`image_version ${spec.imageVersion}: ${image.descriptorPath}`);
    return LibvirtMachine.create(
      {
        virsh: this.virsh,
        pool: this.settings.pool,
        stateDir: this.settings.stateDir,
        descriptor: image.descriptor,
        domainType: this.domainType,
        allowArpFallback: this.settings.allowArpFallback,
        log,
        extraCmdline: this.options.extraCmdline,
        tcgCpuModel: this.options.tcgCpuModel,
        staticUserAddress: this.options.staticUserAddress,
      },
      spec,
    );
  }
}

export async function openHypervisor(options: OpenHypervisorOptions = {}): Promise<LibvirtHypervisor> {
  const settings = resolveConnection(options, options.env ?? process.env);
  const substrateEnv = {
    ...(options.env ?? process.env),
    CORE_OPS_VERIFY_STATE_DIR: settings.stateDir,
    CORE_OPS_VERIFY_IMAGE_CACHE: settings.imageCacheDir,
    ...(settings.baseImage !== undefined ? { CORE_OPS_VERIFY_BASE_IMAGE: settings.baseImage } : {}),
  };
  let baseImage: BaseImage;
  if (options.ensureImage === true) {
    baseImage = await ensureBaseImage((line) => options.log?.(line), substrateEnv);
  } else if (settings.baseImage === undefined) {
    // The current recipe's image when it is built; else the newest image in the cache.
    const current = await findImage(substratePaths(substrateEnv)).catch(() => undefined);
    baseImage = current ?? resolveBaseImage(settings);
  } else {
    baseImage = resolveBaseImage(settings);
  }
  const probed = probedDomainType(join(settings.stateDir, "host.json"));
  const domainType = settings.domainType ?? probed.domainType;
  const reason =
    settings.domainType !== undefined ? "forced by CORE_OPS_VERIFY_DOMAIN_TYPE / options" : probed.reason;
  const virsh = options.virsh ?? execaVirsh(settings.uri);
  const pool = await virsh.run(["pool-info", settings.pool], { allowFailure: true });
  if (pool.exitCode !== 0) {
    throw new Error(
      `storage pool ${settings.pool} is not available on ${settings.uri}: ${pool.stderr.trim()} — run \`core-ops-verify setup\``,
    );
  }
  if (settings.remote) {
    options.log?.(
      `remote hypervisor ${settings.uri}: run files under ${settings.stateDir} must be visible at the same path on the hypervisor host`,
    );
  }
  return new LibvirtHypervisor(settings, baseImage, domainType, reason, virsh, options);
}

/** The connection alone (no base image needed), for the `machine sweep | list | destroy` commands. */
function bareConnection(options: OpenHypervisorOptions): { virsh: Virsh; pool: string; runsDir: string } {
  const settings = resolveConnection(options, options.env ?? process.env);
  const virsh = options.virsh ?? execaVirsh(settings.uri);
  return { virsh, pool: settings.pool, runsDir: join(settings.stateDir, "runs") };
}

/** The orphan sweep alone: `core-ops-verify machine sweep [--retained]`. */
export async function sweepOrphansNow(
  options: OpenHypervisorOptions = {},
  sweep: SweepOptions = {},
): Promise<SweepReport> {
  const { virsh, pool, runsDir } = bareConnection(options);
  return sweepOrphans(virsh, pool, runsDir, (owner) => ownerAlive(owner), sweep);
}

/** `core-ops-verify machine list`: every run's domain or run directory, its state, age and ssh command. */
export async function listMachinesNow(options: OpenHypervisorOptions = {}): Promise<ListedMachine[]> {
  const { virsh, pool, runsDir } = bareConnection(options);
  const inventory = await takeInventory(virsh, pool, runsDir);
  return listMachines(
    {
      domains: inventory.domains,
      runDirs: inventory.runDirs.map((d) => ({ ...d, retained: readRetained(join(runsDir, d.runId)) })),
    },
    (owner) => ownerAlive(owner),
    new Date(),
  );
}

/** `core-ops-verify machine destroy <run>`. */
export async function destroyRunNow(
  runId: string,
  options: OpenHypervisorOptions = {},
): Promise<DestroyRunReport> {
  const { virsh, pool, runsDir } = bareConnection(options);
  return destroyRun(virsh, pool, runsDir, runId);
}
