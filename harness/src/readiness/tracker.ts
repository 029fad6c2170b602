/**
 * The readiness decision (pure): per boot, the first record whose run_id and token match this run is
 * accepted; records of other runs are `stale`, unparsable ones `malformed`, and a second record of an
 * accepted boot `duplicate_current_run` (ARCHITECTURE.md "The guest contract"). Accepted records queue until
 * a waiter takes them, so a record that arrives before `waitReady`/`reboot` starts waiting is not lost.
 */
import type { ReadinessEvidence, ReadinessRecord } from "../machine.js";
import { parseConsoleLine } from "./record.js";

export type RejectReason = ReadinessEvidence["rejected"][number]["reason"];

export type TrackerEvent =
  | { kind: "accepted"; record: ReadinessRecord }
  | { kind: "rejected"; reason: RejectReason; line: string }
  | { kind: "ignition_failed"; line: string }
  | { kind: "kernel_panic"; line: string };

export class ReadinessTracker {
  readonly accepted: ReadinessRecord[] = [];
  readonly rejected: ReadinessEvidence["rejected"] = [];
  ignitionFailure: string | undefined;
  /** The console line of a kernel panic (the guest is dead; waiting longer cannot help). */
  kernelPanic: string | undefined;
  private readonly bootIds = new Set<string>();
  private consumed = 0;

  constructor(
    private readonly runId: string,
    private readonly token: string,
  ) {}

  /** Feeds one console line; `at` is when the harness read it (RFC 3339). */
  feed(line: string, at: string): TrackerEvent | undefined {
    const parsed = parseConsoleLine(line);
    switch (parsed.kind) {
      case "none":
        return undefined;
      case "ignition_failed":
        this.ignitionFailure ??= parsed.line;
        return { kind: "ignition_failed", line: parsed.line };
      case "kernel_panic":
        this.kernelPanic ??= parsed.line;
        return { kind: "kernel_panic", line: parsed.line };
      case "malformed":
        return this.reject("malformed", parsed.line, at);
      case "record": {
        const { record } = parsed;
        if (record.run_id !== this.runId || record.token !== this.token) {
          return this.reject("stale", parsed.line, at);
        }
        if (this.bootIds.has(record.boot_id)) return this.reject("duplicate_current_run", parsed.line, at);
        this.bootIds.add(record.boot_id);
        this.accepted.push(record);
        return { kind: "accepted", record };
      }
      default: {
        const never: never = parsed;
        return never;
      }
    }
  }

  /** The next accepted record no waiter has taken yet. */
  takeNext(): ReadinessRecord | undefined {
    const next = this.accepted[this.consumed];
    if (next !== undefined) this.consumed++;
    return next;
  }

  private reject(reason: RejectReason, line: string, at: string): TrackerEvent {
    this.rejected.push({ line, reason, at });
    return { kind: "rejected", reason, line };
  }
}
