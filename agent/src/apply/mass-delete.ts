/**
 * The one mass-delete guard: a plan that deletes more than half of the managed objects is refused before
 * anything is recorded or touched, unless the operator allows it (`--allow-mass-delete`) — a wrong
 * `--host` or an emptied services list must not wipe a host.
 */
import { CoreOpsError } from "../errors.js";
import type { ApplyObject } from "./model.js";

/** Why the plan is a mass delete, or null when it is not. */
export function massDeleteRefusal(objects: readonly Pick<ApplyObject, "action">[]): string | null {
  const managed = objects.filter((o) => o.action !== "create").length;
  const deletes = objects.filter((o) => o.action === "delete").length;
  if (deletes > 0 && deletes * 2 > managed)
    return `the plan deletes ${deletes} of ${managed} managed objects (more than half)`;
  return null;
}

/** Throws `mass_delete_refused` (naming the host file whose services list decided it) unless allowed. */
export function refuseMassDelete(
  objects: readonly Pick<ApplyObject, "action">[],
  allowed: boolean,
  hostFile: string,
): void {
  const refusal = allowed ? null : massDeleteRefusal(objects);
  if (refusal)
    throw new CoreOpsError(`refusing to apply: ${refusal}`, {
      code: "mass_delete_refused",
      file: hostFile,
      field: "services",
      hint: "check --host and the host's services list; pass --allow-mass-delete if this is intended",
    });
}
