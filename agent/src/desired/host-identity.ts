/** Which host this run is for: `--host`, else `CORE_OPS_HOST`, else the machine's hostname. */
import { hostname } from "node:os";
import { CoreOpsError, ExitCode } from "../errors.js";
import { IDENTIFIER_PATTERN, isIdentifier } from "./names.js";

export function resolveHost(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  machineHostname: () => string = hostname,
): string {
  const candidates: [string, string | undefined][] = [
    ["--host", flag],
    ["CORE_OPS_HOST", env.CORE_OPS_HOST],
    ["hostname", machineHostname()],
  ];
  for (const [origin, value] of candidates) {
    if (value === undefined || value === "") continue;
    if (!isIdentifier(value)) {
      throw new CoreOpsError(`host name '${value}' (from ${origin}) is not a valid identifier`, {
        code: "invalid_host_identity",
        field: origin,
        exitCode: ExitCode.usage,
        hint: `host names match ${IDENTIFIER_PATTERN.source}; pass --host <name> or set CORE_OPS_HOST`,
      });
    }
    return value;
  }
  throw new CoreOpsError("cannot determine the host name", {
    code: "missing_host_identity",
    field: "host",
    exitCode: ExitCode.usage,
    hint: "pass --host <name> or set CORE_OPS_HOST",
  });
}
