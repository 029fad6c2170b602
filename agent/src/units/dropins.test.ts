import { describe, expect, it } from "vitest";
import { applyDropIns } from "./dropins.js";
import { effectiveValues, lastValue, parseUnitFile } from "./parse.js";

const base = parseUnitFile(
  "[Unit]\nDescription=web\nAfter=network-online.target\n\n[Container]\nImage=quay.io/web:1\nVolume=a.volume:/a\n",
  "services/web/web.container",
);

describe("applyDropIns", () => {
  it("applies drop-ins in order: lists accumulate, empty assignments reset, last value wins", () => {
    const d1 = parseUnitFile(
      "[Container]\nImage=quay.io/web:2\nVolume=b.volume:/b\n[Service]\nRestart=always\n",
      "services/web/web.container.d/10-image.conf",
    );
    const d2 = parseUnitFile(
      "[Unit]\nAfter=\nAfter=db.service\n[Container]\nImage=quay.io/web:3\n",
      "hosts/h1/overrides/web.container.d/20-host.conf",
    );
    const merged = applyDropIns(base, [d1, d2]);
    expect(lastValue(merged, "Container", "Image")).toBe("quay.io/web:3");
    expect(effectiveValues(merged, "Container", "Volume")).toEqual(["a.volume:/a", "b.volume:/b"]);
    expect(effectiveValues(merged, "Unit", "After")).toEqual(["db.service"]);
    expect(lastValue(merged, "Service", "Restart")).toBe("always");
    expect(merged.sections).toEqual(["Unit", "Container", "Service"]);
    expect(merged.file).toBe("services/web/web.container");
    // every entry still says where it came from
    const image = merged.entries.filter((e) => e.key === "Image").map((e) => [e.file, e.line]);
    expect(image).toEqual([
      ["services/web/web.container", 6],
      ["services/web/web.container.d/10-image.conf", 2],
      ["hosts/h1/overrides/web.container.d/20-host.conf", 5],
    ]);
  });

  it("order matters: the later drop-in wins", () => {
    const a = parseUnitFile("[Container]\nImage=a\n", "a.conf");
    const b = parseUnitFile("[Container]\nImage=b\n", "b.conf");
    expect(lastValue(applyDropIns(base, [a, b]), "Container", "Image")).toBe("b");
    expect(lastValue(applyDropIns(base, [b, a]), "Container", "Image")).toBe("a");
  });

  it("without drop-ins the unit is unchanged; the merged text shows each file like systemctl cat", () => {
    expect(applyDropIns(base, []).entries).toEqual(base.entries);
    expect(applyDropIns(base, []).text).toBe(base.text);
    const noNewline = parseUnitFile("[Unit]\nDescription=x", "x.service");
    const d = parseUnitFile("[Unit]\nDescription=y\n", "x.service.d/o.conf");
    const merged = applyDropIns(noNewline, [d]);
    expect(merged.text).toBe(
      "[Unit]\nDescription=x\n\n# drop-in: x.service.d/o.conf\n[Unit]\nDescription=y\n",
    );
    // the display text parses back to the same meaning
    expect(parseUnitFile(merged.text).entries.map((e) => [e.key, e.value])).toEqual(
      merged.entries.map((e) => [e.key, e.value]),
    );
  });
});
