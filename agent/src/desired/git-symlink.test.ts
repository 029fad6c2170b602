import { afterEach, describe, expect, it } from "vitest";
import { CoreOpsError, ExitCode } from "../errors.js";
import { loadDesiredState } from "./load.js";
import { makeTree, removeTree } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

describe("a repository symlink into .git/ is refused", () => {
  it.each([
    ["services/web/config/etc/web/creds", "../../../../../.git/config"],
    ["services/web/config/etc/web/hook", "../../../../../.git/hooks/post-checkout"],
    ["services/web/app.env", "../../.git/config"],
  ])("%s → %s is exit 65 naming the link", async (link, target) => {
    const root = makeTree({
      ".git/config": "[remote]\n  url = https://token@example.invalid/x\n",
      ".git/hooks/post-checkout": "#!/bin/sh\n",
      "hosts/h1/host.yaml": "host: h1\nservices: [web]\n",
      "services/web/web.container": "[Container]\nImage=x\nEnvironmentFile=app.env\n",
      [link]: { symlink: target },
    });
    roots.push(root);
    const err = await loadDesiredState(root, "h1").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CoreOpsError);
    const e = err as CoreOpsError;
    expect(e.code).toBe("symlink_into_git");
    expect(e.exitCode).toBe(ExitCode.invalidLayout);
    expect(e.file).toBe(link);
  });
});
