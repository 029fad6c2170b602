/**
 * systemd's unit-name escaping and unit-name validity, byte for byte as systemd 252 implements them
 * (`unit_name_path_escape`, `unit_name_path_unescape`, `unit_name_is_valid` in src/basic/unit-name.c).
 * The tests compare `escapePath` with the real `systemd-escape --path` binary.
 */
import { CoreOpsError } from "../errors.js";

/** Longest unit name systemd accepts (`UNIT_NAME_MAX` is 256 including the NUL). */
export const UNIT_NAME_MAX_LENGTH = 255;
/** systemd: a path may be at most `PATH_MAX - 1` bytes and a component at most `NAME_MAX` bytes. */
const PATH_MAX = 4096;
const NAME_MAX = 255;

/** The unit types systemd knows (the suffix after the last dot). */
export const SYSTEMD_UNIT_TYPES: readonly string[] = [
  "service",
  "mount",
  "swap",
  "socket",
  "target",
  "device",
  "automount",
  "timer",
  "path",
  "slice",
  "scope",
];

function isKeptByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x3a || // :
    b === 0x5f || // _
    b === 0x2e // .
  );
}

function hexEscape(b: number): string {
  return `\\x${b.toString(16).padStart(2, "0")}`;
}

/** systemd's `unit_name_escape`: `/`→`-`, `[A-Za-z0-9:_.]` kept, a leading `.` and every other byte → `\xNN`. */
export function escapeString(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (i === 0 && b === 0x2e) out += hexEscape(b);
    else if (b === 0x2f) out += "-";
    else if (isKeptByte(b)) out += String.fromCharCode(b);
    else out += hexEscape(b);
  }
  return out;
}

function pathError(path: string, message: string, hint: string): CoreOpsError {
  return new CoreOpsError(`cannot escape path '${path}': ${message}`, { code: "invalid_path", hint });
}

/**
 * The simplified path systemd escapes (`path_simplify`): duplicate slashes and `.` components removed,
 * trailing slashes dropped. Throws where `systemd-escape --path` fails.
 */
export function simplifyPath(path: string): string {
  if (path.includes("\0")) throw pathError(path, "contains a NUL byte", "remove the NUL byte");
  const absolute = path.startsWith("/");
  const components = path.split("/").filter((c) => c !== "" && c !== ".");
  if (components.includes("..")) {
    throw pathError(path, "contains a '..' component", "write the path without '..' components");
  }
  if (components.length === 0) {
    if (absolute || path === "") return "/";
    throw pathError(path, "is '.' only", "give an absolute path such as /var/lib/data");
  }
  for (const c of components) {
    if (Buffer.byteLength(c, "utf8") > NAME_MAX) {
      throw pathError(path, `component is longer than ${NAME_MAX} bytes`, "shorten the path component");
    }
  }
  const simplified = (absolute ? "/" : "") + components.join("/");
  if (Buffer.byteLength(simplified, "utf8") >= PATH_MAX) {
    throw pathError(path, `is ${PATH_MAX} bytes or longer`, "shorten the path");
  }
  return simplified;
}

/** Equal to `systemd-escape --path PATH`. Throws `CoreOpsError` (`invalid_path`) where the binary fails. */
export function escapePath(path: string): string {
  const simplified = simplifyPath(path);
  if (simplified === "/") return "-";
  return escapeString(simplified.replace(/^\/+/, ""));
}

/**
 * The unit name systemd expects for a mount or automount at `path` (`Where=`), e.g.
 * `/var/lib/immich/media` → `var-lib-immich-media.mount`. The path must be absolute.
 */
export function unitNameForPath(path: string, suffix: "mount" | "automount"): string {
  if (!path.startsWith("/")) {
    throw new CoreOpsError(`mount point '${path}' is not an absolute path`, {
      code: "invalid_path",
      hint: "Where= takes an absolute path such as /var/lib/data",
    });
  }
  const name = `${escapePath(path)}.${suffix}`;
  if (!isValidUnitName(name)) {
    throw new CoreOpsError(`the unit name for '${path}' would be longer than ${UNIT_NAME_MAX_LENGTH} bytes`, {
      code: "invalid_path",
      hint: "use a shorter mount point path",
    });
  }
  return name;
}

/** systemd's `unit_name_unescape`: `-`→`/`, `\xNN` → byte; `undefined` on a malformed escape or non-UTF-8. */
export function unescapeString(s: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === "-") bytes.push(0x2f);
    else if (ch === "\\") {
      const m = /^\\x([0-9a-fA-F]{2})/.exec(s.slice(i, i + 4));
      if (m?.[1] === undefined) return undefined;
      bytes.push(Number.parseInt(m[1], 16));
      i += 3;
    } else bytes.push(...Buffer.from(ch, "utf8"));
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Equal to `systemd-escape --unescape --path NAME` (the name without unit suffix): `-` → `/`,
 * otherwise `/` + unescaped text. Throws `CoreOpsError` (`invalid_path`) where systemd refuses.
 */
export function unescapePath(escaped: string): string {
  const fail = (why: string): CoreOpsError =>
    new CoreOpsError(`'${escaped}' is not an escaped path: ${why}`, {
      code: "invalid_path",
      hint: "produce the name with systemd-escape --path",
    });
  if (escaped === "") throw fail("it is empty");
  if (escaped === "-") return "/";
  const w = unescapeString(escaped);
  if (w === undefined) throw fail("malformed \\x escape or not UTF-8");
  if (w.startsWith("/") || w.endsWith("/")) throw fail("leading or trailing '-'");
  const path = `/${w}`;
  const components = w.split("/");
  if (components.some((c) => c === "" || c === "." || c === "..")) {
    throw fail("it decodes to a path that is not normalized");
  }
  if (
    components.some((c) => Buffer.byteLength(c, "utf8") > NAME_MAX) ||
    Buffer.byteLength(path) >= PATH_MAX
  ) {
    throw fail("it decodes to a path that is too long");
  }
  return path;
}

export type UnitNameKind = "plain" | "instance" | "template";

const VALID_NAME_CHAR = /^[A-Za-z0-9:\-_.\\@]$/;

/**
 * systemd's `unit_name_is_valid(name, UNIT_NAME_ANY)` classification: `undefined` when invalid,
 * else whether the name is plain (`foo.service`), an instance (`foo@bar.service`) or a template
 * (`foo@.service`). `types` is the set of allowed suffixes (default: systemd's unit types).
 */
export function unitNameKind(
  name: string,
  types: readonly string[] = SYSTEMD_UNIT_TYPES,
): UnitNameKind | undefined {
  if (name === "" || Buffer.byteLength(name, "utf8") > UNIT_NAME_MAX_LENGTH) return undefined;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  if (!types.includes(name.slice(dot + 1))) return undefined;
  let at = -1;
  for (let i = 0; i < dot; i++) {
    const ch = name.charAt(i);
    if (ch === "@" && at < 0) at = i;
    if (!VALID_NAME_CHAR.test(ch)) return undefined;
  }
  if (at === 0) return undefined;
  if (at < 0) return "plain";
  return dot > at + 1 ? "instance" : "template";
}

/** systemd's unit-name rules (`unit_name_is_valid` with `UNIT_NAME_ANY`), `\x2d`-style escapes included. */
export function isValidUnitName(name: string): boolean {
  return unitNameKind(name) !== undefined;
}
