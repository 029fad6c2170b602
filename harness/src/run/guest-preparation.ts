/**
 * What happens in the guest between bring-up and the first step, for what the scenario asks: its inputs
 * placed (`guest-inputs.ts`) and its extra readiness checks confirmed (`readiness-checks.ts`). Returns a
 * failure message (an infrastructure failure: no step runs), or undefined.
 */

import { errorText } from "../faults.js";
import type { HarnessLog } from "../harness-log.js";
import type { ResolvedPolicy } from "../scenario/profiles.js";
import type { Scenario } from "../scenario/schema.js";
import type { ScenarioMachine } from "../steps/verbs.js";
import { inputPlacements, placeInputs } from "./guest-inputs.js";
import { confirmReadiness } from "./readiness-checks.js";

export async function prepareGuest(o: {
  vm: ScenarioMachine;
  scenario: Scenario;
  policy: ResolvedPolicy;
  reposRoot: string;
  log: HarnessLog;
}): Promise<string | undefined> {
  const { environment } = o.policy;
  const overrides = o.scenario.environment.overrides;
  if (overrides?.readiness_checks !== undefined || overrides?.connection_profile !== undefined) {
    o.log.info(
      `connection profile ${environment.connectionProfile}; readiness checks ${environment.readinessChecks.join(", ")}`,
    );
  }
  try {
    const failed = await confirmReadiness(o.vm, environment.readinessChecks, o.policy.timeouts.readinessMs);
    if (failed !== undefined) return failed;
    const placements = inputPlacements(o.reposRoot, o.scenario.fixtures);
    await placeInputs((host, guest, mode) => o.vm.machine.upload(host, guest, mode), placements);
    for (const p of placements) o.log.info(`placed ${p.guestPath}`);
    return undefined;
  } catch (err) {
    return `preparing the guest failed: ${errorText(err)}`;
  }
}
