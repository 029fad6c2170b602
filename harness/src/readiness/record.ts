/**
 * Parsing readiness records out of serial console lines (pure). The marker may sit anywhere in a line:
 * systemd status output and ANSI escapes interleave with what the guest prints.
 */
import { type ReadinessRecord, ReadinessRecordSchema } from "../machine.js";

export const READY_MARKER = "CORE_OPS_VERIFY_READY";
export const IGNITION_FAILED_MARKER = "CORE_OPS_IGNITION_FAILED";
/** What a Linux kernel prints when it stops for good: the guest will never become ready. */
export const KERNEL_PANIC_MARKER = "Kernel panic - not syncing";

// CSI sequences (colours, cursor moves), OSC sequences, and stray carriage returns.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, "");
}

export type ParsedLine =
  | { kind: "none" }
  | { kind: "ignition_failed"; line: string }
  | { kind: "kernel_panic"; line: string }
  | { kind: "record"; record: ReadinessRecord; line: string }
  | { kind: "malformed"; line: string };

/**
 * Classifies one console line: nothing of interest, an Ignition failure, a kernel panic, a record, or a
 * broken record.
 */
export function parseConsoleLine(rawLine: string): ParsedLine {
  const line = stripAnsi(rawLine);
  if (line.includes(IGNITION_FAILED_MARKER)) return { kind: "ignition_failed", line: line.trim() };
  if (line.includes(KERNEL_PANIC_MARKER)) return { kind: "kernel_panic", line: line.trim() };
  const at = line.indexOf(READY_MARKER);
  if (at < 0) return { kind: "none" };
  const rest = line.slice(at + READY_MARKER.length);
  const open = rest.indexOf("{");
  if (open < 0) return { kind: "malformed", line: line.trim() };
  // The shortest balanced-looking prefix that parses: trailing console noise after the JSON is ignored.
  for (let close = rest.indexOf("}", open); close >= 0; close = rest.indexOf("}", close + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(rest.slice(open, close + 1));
    } catch {
      continue;
    }
    const parsed = ReadinessRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: "malformed", line: line.trim() };
    return { kind: "record", record: parsed.data, line: `${READY_MARKER} ${rest.slice(open, close + 1)}` };
  }
  return { kind: "malformed", line: line.trim() };
}
