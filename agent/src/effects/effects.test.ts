import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeHostFs } from "./host-fs.js";
import { enablementLinks, OfflineSystemd } from "./offline-systemd.js";
import { GeneratorDryRun, pickGeneratorLines } from "./quadlet-dryrun.js";
import { parseShowOutput, SystemctlSystemd } from "./systemctl.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "core-ops-effects-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("systemctl show parsing", () => {
  it("splits one block per unit", () => {
    const out = "LoadState=loaded\nActiveState=active\n\nLoadState=not-found\nActiveState=inactive\n";
    expect(parseShowOutput(out, 2)).toEqual([
      { LoadState: "loaded", ActiveState: "active" },
      { LoadState: "not-found", ActiveState: "inactive" },
    ]);
    expect(() => parseShowOutput(out, 3)).toThrow(/expected 3 property blocks, got 2/);
  });

  it("passes units after -- and reports systemctl's stderr on failure", async () => {
    const d = tmp();
    const log = join(d, "log");
    const bin = join(d, "systemctl");
    writeFileSync(
      bin,
      `#!/bin/sh\necho "$@" >> ${log}\nif [ "$1" = start ]; then echo "Job for $3 failed." >&2; exit 1; fi\nif [ "$1" = show ]; then printf 'ActiveState=active\\n\\nActiveState=failed\\n'; fi\n`,
    );
    chmodSync(bin, 0o755);
    const sd = new SystemctlSystemd(bin);
    expect(await sd.show(["a.service", "b.service"], ["ActiveState"])).toEqual([
      { ActiveState: "active" },
      { ActiveState: "failed" },
    ]);
    await expect(sd.start("x.service")).rejects.toThrow(
      "systemctl start x.service failed: Job for x.service failed.",
    );
    await sd.daemonReload();
    expect(readFileSync(log, "utf8")).toBe(
      "show --property=ActiveState -- a.service b.service\nstart -- x.service\ndaemon-reload\n",
    );
    expect(sd.calls).toBe(3);
  });
});

describe("systemctl enable and disable", () => {
  it("count a link created or removed, reported on stderr as systemctl does, as a change", async () => {
    const d = tmp();
    const bin = join(d, "systemctl");
    // What systemd prints: the links on stderr, nothing at all when the unit was already (en|dis)abled.
    writeFileSync(
      bin,
      [
        "#!/bin/sh",
        'case "$1 $3" in',
        "  'enable new.service') echo \"Created symlink '/etc/systemd/system/multi-user.target.wants/new.service' → '/etc/systemd/system/new.service'.\" >&2 ;;",
        "  'disable old.service') echo \"Removed '/etc/systemd/system/multi-user.target.wants/old.service'.\" >&2 ;;",
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(bin, 0o755);
    const sd = new SystemctlSystemd(bin);
    const install = { wantedBy: ["multi-user.target"], requiredBy: [], alias: [], also: [] };
    expect(await sd.enable("new.service", "/etc/systemd/system/new.service", install)).toBe(true);
    expect(await sd.enable("same.service", "/etc/systemd/system/same.service", install)).toBe(false);
    expect(await sd.disable("old.service", "/etc/systemd/system/old.service", install)).toBe(true);
    expect(await sd.disable("gone.service", "/etc/systemd/system/gone.service", install)).toBe(false);
  });
});

describe("offline enablement", () => {
  const install = {
    wantedBy: ["multi-user.target"],
    requiredBy: ["x.target"],
    alias: ["web.service"],
    also: [],
  };
  it("derives the links systemctl --root makes", () => {
    expect(
      enablementLinks("/etc/systemd/system", "a.service", "/etc/systemd/system/a.service", install),
    ).toEqual([
      {
        link: "/etc/systemd/system/multi-user.target.wants/a.service",
        target: "/etc/systemd/system/a.service",
      },
      { link: "/etc/systemd/system/web.service", target: "/etc/systemd/system/a.service" },
      { link: "/etc/systemd/system/x.target.requires/a.service", target: "/etc/systemd/system/a.service" },
    ]);
    expect(enablementLinks("/u", "a@.service", "/u/a@.service", install)).toEqual([]);
  });

  it("creates the symlinks under the root once and removes them on disable", async () => {
    const root = tmp();
    const fs = new NodeHostFs(root);
    const sd = new OfflineSystemd(fs, "/etc/systemd/system");
    expect(await sd.enable("a.service", "/etc/systemd/system/a.service", install)).toBe(true);
    expect(readlinkSync(join(root, "etc/systemd/system/multi-user.target.wants/a.service"))).toBe(
      "/etc/systemd/system/a.service",
    );
    const writes = fs.writes;
    expect(await sd.enable("a.service", "/etc/systemd/system/a.service", install)).toBe(false);
    expect(fs.writes).toBe(writes);
    expect(await sd.disable("a.service", "/etc/systemd/system/a.service", install)).toBe(true);
    expect(fs.stat("/etc/systemd/system/multi-user.target.wants")).toBeNull();
    expect(fs.stat("/etc/systemd/system/web.service")).toBeNull();
    await expect(sd.start("a.service")).rejects.toThrow(/--root mode/);
  });
});

describe("NodeHostFs", () => {
  it("maps logical paths under the root and resolves owners from the root's passwd", () => {
    const root = tmp();
    const fs = new NodeHostFs(root);
    fs.writeAtomic(
      "/etc/passwd",
      Buffer.from("root:x:0:0::/root:/bin/sh\nweb:x:1001:1001::/:/sbin/nologin\n"),
      0o644,
      0,
      0,
    );
    fs.writeAtomic("/usr/lib/group", Buffer.from("web:x:1002:\n"), 0o644, 0, 0);
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toContain("web:x:1001");
    expect(fs.uid("web")).toBe(1001);
    expect(fs.uid("0")).toBe(0);
    expect(fs.uid("nobody-here")).toBeNull();
    expect(fs.gid("web")).toBe(1002);
    expect(fs.stat("/etc/passwd")).toMatchObject({ kind: "file", mode: 0o644 });
    expect(fs.read("/etc/missing")).toBeNull();
    expect(fs.remove("/etc/passwd")).toBe(true);
    expect(fs.remove("/etc/passwd")).toBe(false);
    expect(fs.mountinfo()).toBe("");
  });

  it("never takes a FIFO for an empty managed file, nor reads one", () => {
    const root = tmp();
    const fs = new NodeHostFs(root);
    fs.writeAtomic("/etc/empty.conf", Buffer.alloc(0), 0o644, 0, 0);
    expect(fs.sameContent("/etc/empty.conf", Buffer.alloc(0))).toBe(true);
    execFileSync("mkfifo", [join(root, "etc/pipe.conf")]);
    expect(fs.sameContent("/etc/pipe.conf", Buffer.alloc(0))).toBe(false);
    expect(fs.read("/etc/pipe.conf")).toBeNull();
  });
});

describe("Quadlet generator dry-run", () => {
  it("keeps the generator's lines about the file at fault", async () => {
    const d = tmp();
    const gen = join(d, "quadlet");
    writeFileSync(
      gen,
      '#!/bin/sh\necho "quadlet-generator[1]: Loading source unit file /etc/containers/systemd/ok.container" >&2\necho "quadlet-generator[1]: converting \\"bad.container\\": unsupported key \'Imagee\' in group \'Container\'" >&2\nexit 1\n',
    );
    chmodSync(gen, 0o755);
    const dry = new GeneratorDryRun([
      { path: join(d, "missing"), args: [] },
      { path: gen, args: ["-dryrun"] },
    ]);
    expect(await dry.explain("bad.container")).toBe(
      "quadlet-generator[1]: converting \"bad.container\": unsupported key 'Imagee' in group 'Container'",
    );
    expect(
      await new GeneratorDryRun([{ path: join(d, "missing"), args: [] }]).explain("x.container"),
    ).toMatch(/no Quadlet generator found/);
    expect(pickGeneratorLines("all fine\n", "x.container", 0)).toBeNull();
  });
});
