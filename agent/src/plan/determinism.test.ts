/**
 * Determinism property: identical normalized inputs give byte-identical plan JSON, whatever order the
 * repository and host files were created in and however the unit files are formatted (comments, blank
 * lines, whitespace around '=', section order). Runs the real loader and planner on real files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadDesiredState } from "../desired/load.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { managedFileBytes } from "../resources/marker.js";
import { DIRS } from "../resources/test-support/desired.js";
import { planHost } from "./plan-host.js";

type Section = [string, [string, string][]];

const UNITS: Record<string, Section[]> = {
  "services/web/web.container": [
    [
      "Unit",
      [
        ["Description", "web frontend"],
        ["Requires", "srv-media.mount"],
        ["After", "srv-media.mount network-online.target"],
      ],
    ],
    [
      "Container",
      [
        ["Image", "docker.io/library/caddy:2"],
        ["Volume", "web-data.volume:/data"],
        ["Volume", "/etc/web:/etc/caddy:ro"],
        ["PublishPort", "80:80"],
      ],
    ],
    [
      "Service",
      [
        ["Restart", "always"],
        ["RequiresMountsFor", "/srv/media"],
      ],
    ],
    ["Install", [["WantedBy", "multi-user.target default.target"]]],
  ],
  "services/web/web-data.volume": [["Volume", [["Label", "app=web"]]]],
  "services/nas/srv-media.mount": [
    [
      "Mount",
      [
        ["What", "nas:/media"],
        ["Where", "/srv/media"],
        ["Type", "nfs"],
        ["Options", "rw,noatime"],
      ],
    ],
    ["X-CoreOps", [["CreateMountpoint", "true"]]],
  ],
  "services/nas/srv-media.automount": [
    ["Automount", [["Where", "/srv/media"]]],
    ["Install", [["WantedBy", "remote-fs.target"]]],
  ],
  "services/tools/backup.service": [
    [
      "Service",
      [
        ["Type", "oneshot"],
        ["ExecStart", "/usr/bin/true"],
      ],
    ],
  ],
  "services/tools/backup.timer": [
    ["Timer", [["OnCalendar", "daily"]]],
    ["Install", [["WantedBy", "timers.target"]]],
  ],
};

const FIXED: Record<string, string> = {
  "hosts/h1/host.yaml": "host: h1\nservices:\n  - web\n  - nas\n  - tools\n",
  "services/web/web.container.d/10-limits.conf": "[Service]\nMemoryMax=512M\n",
  "hosts/h1/overrides/web.container.d/50-host.conf": "[Container]\nEnvironment=SITE=h1\n",
  "services/web/config/etc/web/Caddyfile": ":80 {\n  respond hi\n}\n",
  "hosts/h1/overrides/config/etc/web/site.conf": "site=h1\n",
  "services/web/config/etc/web/site.conf": "site=base\n",
};

/** Host files: materially different from desired, or stale, so formatting of the repository cannot matter. */
const HOST: Record<string, Buffer> = {
  "etc/containers/systemd/web.container": managedFileBytes("[Container]\nImage=docker.io/library/caddy:1\n"),
  "etc/systemd/system/old.service": managedFileBytes("[Service]\nExecStart=/bin/false\n"),
  "etc/systemd/system/admin.service": Buffer.from("[Service]\nExecStart=/bin/true\n"),
  "etc/web/Caddyfile": Buffer.from("old\n"),
};

interface Style {
  order: number[];
  eq: string[];
  comments: boolean[];
}

function render(sections: Section[], style: Style): string {
  const lines: string[] = [];
  let i = 0;
  const pick = <T>(arr: T[], fallback: T): T => (arr.length === 0 ? fallback : (arr[i++ % arr.length] as T));
  for (const idx of style.order.filter((n) => n < sections.length)) {
    const [name, entries] = sections[idx] as Section;
    if (pick(style.comments, false)) lines.push("# a comment", "");
    lines.push(`[${name}]`);
    for (const [k, v] of entries) {
      const eq = pick(style.eq, "=");
      lines.push(`${k}${eq}${v}`);
      if (pick(style.comments, false)) lines.push(pick([";  semicolon comment", "", "#"], ""));
    }
    lines.push("");
  }
  return lines.join("\n");
}

const styleArb = fc.record({
  order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
  eq: fc.array(fc.constantFrom("=", " = ", "= ", " =", "\t=\t"), { minLength: 1, maxLength: 4 }),
  comments: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
});

const base = mkdtempSync(join(tmpdir(), "plan-determinism-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function planJson(fileOrder: number[], hostOrder: number[], style: Style): Promise<string> {
  const repo = join(base, "repo");
  const root = join(base, "root");
  rmSync(repo, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  const files: [string, string | Buffer][] = [
    ...Object.entries(UNITS).map(([p, s]) => [p, render(s, style)] as [string, string]),
    ...Object.entries(FIXED),
  ];
  for (const i of fileOrder) {
    const [rel, content] = files[i % files.length] as [string, string];
    const abs = join(repo, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  const hostFiles = Object.entries(HOST);
  mkdirSync(root, { recursive: true });
  for (const i of hostOrder) {
    const [rel, content] = hostFiles[i % hostFiles.length] as [string, Buffer];
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  const desired = await loadDesiredState(repo, "h1", {
    kind: "directory",
    repository: "/repo",
    requestedRef: null,
    revision: null,
  });
  const plan = await planHost({
    desired,
    dirs: DIRS,
    observer: createHostObserver({ root }),
    stateMode: "stateless",
    status: null,
  });
  return JSON.stringify(plan.view, null, 2);
}

describe("plan determinism", () => {
  it("gives byte-identical plan JSON across file creation orders and ignored formatting", async () => {
    const nFiles = Object.keys(UNITS).length + Object.keys(FIXED).length;
    const identity = Array.from({ length: nFiles }, (_, i) => i);
    const hostIdentity = Array.from({ length: Object.keys(HOST).length }, (_, i) => i);
    const reference = await planJson(identity, hostIdentity, {
      order: [0, 1, 2, 3],
      eq: ["="],
      comments: [false],
    });
    const parsed = JSON.parse(reference) as { summary: { changed_count: number }; entries: unknown[] };
    // The reference is a real plan: creates, an update, a stale delete; the unmarked admin.service is untouched.
    expect(parsed.summary.changed_count).toBeGreaterThan(5);
    expect(reference).toContain('"action": "delete"');
    expect(reference).not.toContain("admin.service");
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(identity, { minLength: nFiles, maxLength: nFiles }),
        fc.shuffledSubarray(hostIdentity, { minLength: hostIdentity.length, maxLength: hostIdentity.length }),
        styleArb,
        async (fileOrder, hostOrder, style) => {
          expect(await planJson(fileOrder, hostOrder, style)).toBe(reference);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("detects a material change (the property can fail)", async () => {
    const nFiles = Object.keys(UNITS).length + Object.keys(FIXED).length;
    const identity = Array.from({ length: nFiles }, (_, i) => i);
    const hostIdentity = Array.from({ length: Object.keys(HOST).length }, (_, i) => i);
    const style = { order: [0, 1, 2, 3], eq: ["="], comments: [false] };
    const before = await planJson(identity, hostIdentity, style);
    const saved = FIXED["services/web/config/etc/web/Caddyfile"];
    FIXED["services/web/config/etc/web/Caddyfile"] = ":80 {\n  respond bye\n}\n";
    try {
      expect(await planJson(identity, hostIdentity, style)).not.toBe(before);
    } finally {
      FIXED["services/web/config/etc/web/Caddyfile"] = saved as string;
    }
  });
});
