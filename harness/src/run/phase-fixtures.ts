/**
 * The fixtures phase of a scenario run: the fixture repository on the host, what is delivered to the guest,
 * and, for a scenario with an installation, the agent's Ignition. Returns what bring-up needs, or why the
 * run halts before any VM: a missing agent binary (an infrastructure failure) or a harness bug.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GUEST_FIXTURE_DIR } from "../fixtures/guest-delivery.js";
import { materializeHistory, materializeStatic, pointBranch } from "../fixtures/repository-evolution.js";
import { GUEST_DELIVERY_DIR } from "../guest-delivery-dir.js";
import { agentInstallExtras, renderAgentIgnition, sha512File } from "../ignition/agent-install.js";
import type { IgnitionExtras } from "../ignition/config.js";
import type { Delivery } from "../machine.js";
import { durationMs } from "../scenario/duration.js";
import type { LoadedScenario } from "../scenario/loader.js";
import { harnessFault, type RunContext } from "./run-context.js";

export type FixtureCommit = { revision: string; commit: string };

/** The fixture repository as the guest sees it. */
export const FIXTURE_URL = `file://${GUEST_FIXTURE_DIR}`;

export interface Fixtures {
  commits: FixtureCommit[];
  deliveries: Delivery[];
  ignitionExtras?: IgnitionExtras;
  /** Host path of the materialized fixture repository (what `target: harness` steps operate on). */
  repoPath: string;
}

/** Why a run stops before it has a guest. */
export type Halt = { fault: "infrastructure" | "harness"; message: string };

export type PreparedFixtures = { commits: FixtureCommit[] } & ({ fixtures: Fixtures } | { halt: Halt });

/** Whether the scenario runs the agent (and so needs its binary delivered). */
export function needsAgent(loaded: LoadedScenario): boolean {
  const { steps, assertions } = loaded.scenario;
  return (
    loaded.scenario.installation !== undefined ||
    steps.some((s) => s.step_type === "coreops_action") ||
    assertions.some((a) => a.assertion_type === "no_pending_changes")
  );
}

/** A fixture tag or (a prefix of) a fixture commit → the full commit id. */
export function fixtureCommit(commits: readonly FixtureCommit[], ref: string): string {
  const hit =
    commits.find((c) => c.revision === ref)?.commit ?? commits.find((c) => c.commit.startsWith(ref))?.commit;
  if (hit === undefined) throw new Error(`${ref} is neither a fixture tag nor a fixture commit`);
  return hit;
}

export async function prepareFixtures(
  ctx: RunContext,
  o: { repoRoot: string; agentBinary: string },
): Promise<PreparedFixtures> {
  const { log, timeline } = ctx;
  const { scenario } = ctx.loaded;
  const evo = scenario.fixtures.repository_evolution;
  const repos = join(o.repoRoot, "repos");
  const fixtureDir = join(ctx.runDir, "fixture-repo");
  const made = await harnessFault(() =>
    timeline.phase("fixtures", "fixtures", () =>
      log.span("materializing the fixture repository", () =>
        evo
          ? materializeHistory(repos, evo.history_fixture, evo.revisions, fixtureDir)
          : materializeStatic(
              repos,
              scenario.fixtures.repo_fixture,
              scenario.fixtures.revision_under_test,
              fixtureDir,
            ),
      ),
    ),
  );
  if (!made.ok) return { commits: [], halt: { fault: "harness", message: made.error } };
  const { commits, path } = made.value;
  for (const c of commits) log.info(`fixture ${c.revision} = ${c.commit}`);
  const deliveries: Delivery[] = [{ name: "fixture-repo", hostPath: path }];
  if (needsAgent(ctx.loaded)) {
    if (!existsSync(o.agentBinary)) {
      const message = `the agent binary ${o.agentBinary} does not exist; build it with \`npm run build\` (or set CORE_OPS_VERIFY_CORE_OPS_BIN)`;
      return { commits, halt: { fault: "infrastructure", message } };
    }
    deliveries.push({ name: "core-ops", hostPath: o.agentBinary });
  }
  const extras = await harnessFault(() => installationIgnition(ctx, o, path, commits));
  if (!extras.ok) return { commits, halt: { fault: "harness", message: extras.error } };
  return { commits, fixtures: { commits, deliveries, ignitionExtras: extras.value, repoPath: path } };
}

/** For a scenario that installs the agent through Ignition: the fixture branch and the install's Ignition. */
async function installationIgnition(
  ctx: RunContext,
  o: { repoRoot: string; agentBinary: string },
  repoPath: string,
  commits: readonly FixtureCommit[],
): Promise<IgnitionExtras | undefined> {
  const { scenario } = ctx.loaded;
  const install = scenario.installation;
  if (install === undefined) return undefined;
  await pointBranch(repoPath, install.ref, fixtureCommit(commits, install.at));
  ctx.log.info(`fixture branch ${install.ref} → ${install.at}; installing the agent through Ignition`);
  const rendered = await renderAgentIgnition(o.repoRoot, {
    repo: FIXTURE_URL,
    rev: install.ref,
    binarySha512: await sha512File(o.agentBinary),
  });
  const span = (d: Parameters<typeof durationMs>[0]) => `${durationMs(d)}ms`;
  return agentInstallExtras(rendered, {
    binaryPath: `${GUEST_DELIVERY_DIR}/core-ops`,
    hostname: scenario.host,
    schedule: {
      onBootSec: span(install.schedule.on_boot_sec),
      onUnitActiveSec: span(install.schedule.on_unit_active_sec),
    },
  });
}
