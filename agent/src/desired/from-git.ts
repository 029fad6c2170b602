/** Loading the desired state of one host from a git repository and ref (fetch, read, clean up). */
import { type FetchOptions, fetchRef } from "./git-source.js";
import { loadDesiredState } from "./load.js";
import type { DesiredState } from "./model.js";

/**
 * Fetches `ref` of `repository` into a private temp checkout, loads the host's desired state from it and
 * removes the checkout again (file contents are held in memory). `source.root` names the removed checkout.
 */
export async function loadDesiredStateFromGit(
  repository: string,
  ref: string,
  host: string,
  options: FetchOptions = {},
): Promise<DesiredState> {
  const checkout = await fetchRef(repository, ref, options);
  try {
    return await loadDesiredState(checkout.dir, host, {
      kind: "git",
      repository: checkout.repository,
      requestedRef: checkout.requestedRef,
      revision: checkout.revision,
    });
  } finally {
    await checkout.cleanup();
  }
}
