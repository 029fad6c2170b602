/**
 * The protected gate's precondition: with `CORE_OPS_VERIFY_GATE=protected`, a `--ci` corpus run refuses to
 * start unless the runner identifies itself (the four `CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_*` values). A
 * developer's CI (no `CORE_OPS_VERIFY_GATE`) still runs unidentified. Pure.
 */
import { ACTUAL_ENV } from "./compare.js";

export const GATE_ENV = "CORE_OPS_VERIFY_GATE";

/** Why the run must not start, or undefined. */
export function protectedGateRefusal(
  env: NodeJS.ProcessEnv,
  run: { ci: boolean; corpus: boolean },
): string | undefined {
  if (env[GATE_ENV] !== "protected" || !run.ci || !run.corpus) return undefined;
  const missing = Object.values(ACTUAL_ENV).filter((k) => (env[k] ?? "").trim() === "");
  if (missing.length === 0) return undefined;
  return (
    `${GATE_ENV}=protected: a --ci corpus run needs the runner's identity; set ${missing.join(", ")} ` +
    '(see harness/release-gate-environment.json and README "Release gate")'
  );
}
