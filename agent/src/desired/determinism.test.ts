/** Property: the loaded state does not depend on the order files were created in on disk. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadDesiredState } from "./load.js";
import type { DesiredState } from "./model.js";
import { makeTree, removeTree, type TreeEntry } from "./test-support/tree.js";

const FILES: [string, TreeEntry][] = [
  [
    "services/web/web.container",
    "[Container]\nImage=docker.io/library/caddy:2.8.4-alpine\nEnvironmentFile=web.env\n",
  ],
  ["services/web/web.env", "A=1\n"],
  ["services/web/web.container.d/10-a.conf", "[Container]\nEnvironment=B=1\n"],
  ["services/web/web.container.d/20-b.conf", "[Container]\nEnvironment=C=1\n"],
  ["services/web/config/etc/web/a.conf", "a\n"],
  ["services/web/config/etc/web/sub/b.conf", "b\n"],
  ["services/web/config/etc/web/z.conf", "z\n"],
  ["services/db/db.container", "[Container]\nImage=docker.io/library/postgres:16\n"],
  ["services/db/db-data.volume", "[Volume]\n"],
  ["services/db/config/etc/db/pg.conf", "pg\n"],
  ["hosts/h1/host.yaml", "host: h1\nservices: [web, db]\n"],
  ["hosts/h1/overrides/web.container.d/20-b.conf", "[Container]\nEnvironment=C=2\n"],
  ["hosts/h1/overrides/web.container.d/90-h.conf", "[Container]\nEnvironment=H=1\n"],
  ["hosts/h1/overrides/config/etc/web/z.conf", "host z\n"],
];

function fingerprint(state: DesiredState): string {
  const { source: _source, ...rest } = state;
  return JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === "object" && (v as { type?: unknown }).type === "Buffer"
      ? Buffer.from((v as { data: number[] }).data).toString("base64")
      : v,
  );
}

describe("loadDesiredState determinism", () => {
  it("gives the same state whatever order the files were created in", async () => {
    const reference = makeTree(Object.fromEntries(FILES));
    let expected: string;
    try {
      expected = fingerprint(await loadDesiredState(reference, "h1"));
    } finally {
      removeTree(reference);
    }
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(FILES, { minLength: FILES.length }), async (order) => {
        const root = makeTree(Object.fromEntries(order));
        try {
          expect(fingerprint(await loadDesiredState(root, "h1"))).toBe(expected);
        } finally {
          removeTree(root);
        }
      }),
      { numRuns: 15 },
    );
    expect(expected).toContain('"services":["web","db"]');
  });
});
