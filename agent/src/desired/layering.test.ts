import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { layerConfigs, layerDropIns, type RawDropIn } from "./layering.js";

const base = (name: string, text = `base ${name}`): RawDropIn => ({
  unit: "web.container",
  name,
  source: { layer: "base", path: `services/web/web.container.d/${name}` },
  text,
});
const host = (name: string, text = `host ${name}`): RawDropIn => ({
  unit: "web.container",
  name,
  source: { layer: "host", path: `hosts/h1/overrides/web.container.d/${name}` },
  text,
});

describe("layerDropIns", () => {
  it("orders base drop-ins then later-sorting host drop-ins, whatever the input order", () => {
    const out = layerDropIns("web.container", [base("20-b.conf"), base("10-a.conf")], [host("90-z.conf")]);
    expect(out.map((d) => [d.name, d.source.layer])).toEqual([
      ["10-a.conf", "base"],
      ["20-b.conf", "base"],
      ["90-z.conf", "host"],
    ]);
  });

  it("lets a same-name host drop-in replace the base one and records what it replaced", () => {
    const out = layerDropIns(
      "web.container",
      [base("10-a.conf"), base("20-b.conf")],
      [host("10-a.conf", "H")],
    );
    expect(out[0]).toEqual({
      name: "10-a.conf",
      source: { layer: "host", path: "hosts/h1/overrides/web.container.d/10-a.conf" },
      text: "H",
      replaces: { layer: "base", path: "services/web/web.container.d/10-a.conf" },
    });
    expect(out[1]?.source.layer).toBe("base");
  });

  it("rejects a host drop-in that sorts before a base drop-in, naming both files", () => {
    let err: unknown;
    try {
      layerDropIns("web.container", [base("10-a.conf"), base("50-m.conf")], [host("20-x.conf")]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreOpsError);
    const e = err as CoreOpsError;
    expect(e.code).toBe("dropin_sorts_before_base");
    expect(e.exitCode).toBe(65);
    expect(e.file).toBe("hosts/h1/overrides/web.container.d/20-x.conf");
    expect(e.related).toEqual(["services/web/web.container.d/50-m.conf"]);
    expect(e.message).toContain(
      "'hosts/h1/overrides/web.container.d/20-x.conf' would sort before base drop-in",
    );
    expect(e.message).toContain("'services/web/web.container.d/50-m.conf'");
    expect(e.hint).toContain("after '50-m.conf'");
  });

  it("compares by bytes, not locale (uppercase sorts before lowercase)", () => {
    expect(() => layerDropIns("web.container", [base("a.conf")], [host("Z.conf")])).toThrow(
      /would sort before/,
    );
    expect(layerDropIns("web.container", [base("Z.conf")], [host("a.conf")]).map((d) => d.name)).toEqual([
      "Z.conf",
      "a.conf",
    ]);
  });
});

describe("layerConfigs", () => {
  const cfg = (target: string, layer: "base" | "host", content: string) => ({
    target,
    source: { layer, path: `${layer === "base" ? "services/web" : "hosts/h1/overrides"}/config${target}` },
    content: Buffer.from(content),
    mode: 0o644,
  });

  it("replaces the base file at the same target, keeps the service, and sorts by target", () => {
    const out = layerConfigs(
      [
        { ...cfg("/etc/web/b.conf", "base", "B"), service: "web" },
        { ...cfg("/etc/web/a.conf", "base", "A"), service: "web" },
      ],
      [{ ...cfg("/etc/web/b.conf", "host", "HB"), mode: 0o755 }],
      ["web"],
    );
    expect(out.map((c) => c.target)).toEqual(["/etc/web/a.conf", "/etc/web/b.conf"]);
    expect(out[1]).toMatchObject({
      service: "web",
      source: { layer: "host", path: "hosts/h1/overrides/config/etc/web/b.conf" },
      replaces: { layer: "base", path: "services/web/config/etc/web/b.conf" },
      mode: 0o755,
      owner: "root",
      group: "root",
    });
    expect(out[1]?.content.toString()).toBe("HB");
  });

  it("rejects a host file with no base file at that target", () => {
    expect(() => layerConfigs([], [cfg("/etc/other/x", "host", "X")], ["web"])).toThrow(
      /host config override for \/etc\/other\/x has no base file in a selected service/,
    );
  });
});
