/**
 * A canonical, formatting-free text of a unit's meaning, for normalization: two files that differ
 * only in comments, blank lines, whitespace around `=` or between words, line continuations, section
 * order, the order of different keys, repeated section headers or superseded values of a
 * single-valued key give the same text; a change of meaning gives a different one.
 *
 * Form: sections sorted by name, keys sorted by name, one `Key=value` line per effective value.
 * - List keys keep their value order (it is meaningful); values before the last empty assignment are
 *   dropped and the reset itself is kept as a `Key=` line (it matters when the file is a drop-in).
 * - Known single-valued keys (`SINGLE_VALUED_KEYS`) keep only their last value. Unknown keys are
 *   treated as lists: the safe side, a superseded value then shows as a difference, never the reverse.
 * - Inside a value, runs of blanks outside quotes collapse to one space (systemd and Quadlet split
 *   such values into words); quoted text and backslash escapes are kept byte for byte.
 */
import type { UnitFile } from "./parse.js";

const keys = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((k) => k !== ""));

/** Keys whose last assignment wins (systemd's single-valued settings, Quadlet's `Lookup`/`LookupLast`). */
export const SINGLE_VALUED_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  Unit: keys(`Description DefaultDependencies StopWhenUnneeded RefuseManualStart RefuseManualStop
    AllowIsolate IgnoreOnIsolate JobTimeoutSec JobTimeoutAction StartLimitIntervalSec StartLimitBurst
    StartLimitAction FailureAction SuccessAction CollectMode SourcePath`),
  Service: keys(`Type ExitType RemainAfterExit GuessMainPID PIDFile BusName Restart RestartSec TimeoutSec
    TimeoutStartSec TimeoutStopSec TimeoutAbortSec RuntimeMaxSec WatchdogSec NotifyAccess KillMode KillSignal
    User Group WorkingDirectory RootDirectory UMask Nice SyslogIdentifier StandardInput StandardOutput
    StandardError LimitNOFILE LimitNPROC OOMPolicy Delegate`),
  Mount: keys(`What Where Type Options SloppyOptions LazyUnmount ReadWriteOnly ForceUnmount DirectoryMode
    TimeoutSec`),
  Automount: keys("Where ExtraOptions DirectoryMode TimeoutIdleSec"),
  Timer: keys(`AccuracySec RandomizedDelaySec FixedRandomDelay Persistent WakeSystem RemainAfterElapse Unit`),
  Path: keys("Unit MakeDirectory DirectoryMode TriggerLimitIntervalSec TriggerLimitBurst"),
  Install: keys("DefaultInstance"),
  "X-CoreOps": keys("CreateMountpoint"),
  Quadlet: keys("DefaultDependencies"),
  Container: keys(`Image ContainerName HostName Exec Entrypoint User Group WorkingDir Pull Notify ServiceName
    Pod LogDriver IP IP6 Timezone StopTimeout StopSignal ShmSize Rootfs RunInit ReadOnly ReadOnlyTmpfs
    NoNewPrivileges PidsLimit UserNS SubUIDMap SubGIDMap StartWithPod CgroupsMode SecurityLabelDisable
    SecurityLabelType SecurityLabelLevel SecurityLabelFileType SecurityLabelNested HealthCmd HealthInterval
    HealthOnFailure HealthRetries HealthStartPeriod HealthTimeout HealthStartupCmd HealthStartupInterval
    HealthStartupRetries HealthStartupSuccess HealthStartupTimeout EnvironmentHost`),
  Volume: keys("VolumeName Driver Image User Group Copy Device Type Options ServiceName"),
  Network: keys("NetworkName Driver IPAMDriver DisableDNS Internal IPv6 ServiceName"),
  Pod: keys("PodName ServiceName IP IP6 ShmSize UserNS SubUIDMap SubGIDMap"),
  Kube: keys("Yaml ServiceName SetWorkingDirectory ExitCodePropagation KubeDownForce LogDriver UserNS"),
  Image: keys(`Image ImageTag Arch OS Variant AuthFile CertDir Creds DecryptionKey AllTags TLSVerify
    ServiceName`),
  Build: keys("File SetWorkingDirectory Pull Target Arch Variant AuthFile TLSVerify ForceRM ServiceName"),
};

export function isSingleValuedKey(section: string, key: string): boolean {
  return SINGLE_VALUED_KEYS[section]?.has(key) ?? false;
}

/** Collapse runs of blanks outside quotes to one space; quoted text and `\x` escapes stay as written. */
export function normalizeValueWhitespace(value: string): string {
  let out = "";
  let quote: string | undefined;
  let pendingSpace = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (quote === undefined && (ch === " " || ch === "\t")) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace) {
      out += " ";
      pendingSpace = false;
    }
    if (ch === "\\" && i + 1 < value.length) {
      out += ch + value.charAt(i + 1);
      i++;
      continue;
    }
    if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = undefined;
    out += ch;
  }
  return out;
}

/** The effective lines of one key: `Key=` for a kept reset, then `Key=value` lines. */
function keyLines(section: string, key: string, values: string[]): string[] {
  if (isSingleValuedKey(section, key)) {
    const last = values[values.length - 1] ?? "";
    return [`${key}=${normalizeValueWhitespace(last)}`];
  }
  const lastReset = values.lastIndexOf("");
  const kept = values.slice(lastReset + 1).map((v) => `${key}=${normalizeValueWhitespace(v)}`);
  return lastReset >= 0 ? [`${key}=`, ...kept] : kept;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical text of a unit's meaning (see the module comment). Ends with a newline unless empty. */
export function canonicalUnitText(unit: UnitFile): string {
  const bySection = new Map<string, Map<string, string[]>>();
  for (const e of unit.entries) {
    let sec = bySection.get(e.section);
    if (!sec) {
      sec = new Map();
      bySection.set(e.section, sec);
    }
    const list = sec.get(e.key);
    if (list) list.push(e.value);
    else sec.set(e.key, [e.value]);
  }
  const out: string[] = [];
  for (const section of [...bySection.keys()].sort(byCodePoint)) {
    const sec = bySection.get(section);
    if (!sec) continue;
    out.push(`[${section}]`);
    for (const key of [...sec.keys()].sort(byCodePoint))
      out.push(...keyLines(section, key, sec.get(key) ?? []));
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
