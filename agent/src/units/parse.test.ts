import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { effectiveValues, lastValue, parseUnitFile, stripBlanks } from "./parse.js";

function syntaxErrorOf(text: string, file = "svc/x.container"): CoreOpsError {
  try {
    parseUnitFile(text, file);
  } catch (e) {
    if (e instanceof CoreOpsError) return e;
    throw e;
  }
  throw new Error(`expected a unit_syntax error for ${JSON.stringify(text)}`);
}

const REAL_QUADLET = `# immich server, as deployed on the NAS
[Unit]
Description=Immich server
Requires=immich-db.service
After=network-online.target immich-db.service
RequiresMountsFor=/var/lib/immich/media

[Container]
Image=ghcr.io/immich-app/immich-server:v1.118.2
ContainerName=immich_server
Network=immich.network
Volume=immich-data.volume:/data:Z
Volume=/var/lib/immich/media:/usr/src/app/upload:z
EnvironmentFile=immich.env
Environment="TZ=Europe/Berlin" \\
  # the upload location is inside the container
  "UPLOAD_LOCATION=/usr/src/app/upload" \\
  ; DB settings follow
  DB_HOSTNAME=immich-db
PublishPort=2283:2283
Exec=start.sh --name "immich server" 'single quoted' \\x2d
PodmanArgs=--log-opt \\
   max-size=10m

[Service]
Restart=always
TimeoutStartSec=900
ExecStartPre=/usr/bin/mkdir -p /var/lib/immich/media
ExecStartPre=
ExecStartPre=/usr/bin/true

[Install]
WantedBy=multi-user.target default.target
`;

describe("parseUnitFile", () => {
  it("parses a real-world Quadlet file: sections, comments, continuations with comments inside, quotes", () => {
    const u = parseUnitFile(REAL_QUADLET, "services/immich/immich-server.container");
    expect(u.text).toBe(REAL_QUADLET);
    expect(u.sections).toEqual(["Unit", "Container", "Service", "Install"]);
    expect(lastValue(u, "Unit", "Description")).toBe("Immich server");
    expect(effectiveValues(u, "Container", "Volume")).toEqual([
      "immich-data.volume:/data:Z",
      "/var/lib/immich/media:/usr/src/app/upload:z",
    ]);
    // backslash → space, next line appended as-is, comment lines inside the continuation skipped
    expect(lastValue(u, "Container", "Environment")).toBe(
      '"TZ=Europe/Berlin"    "UPLOAD_LOCATION=/usr/src/app/upload"    DB_HOSTNAME=immich-db',
    );
    const env = u.entries.find((e) => e.key === "Environment");
    expect(env?.line).toBe(15);
    expect(env?.file).toBe("services/immich/immich-server.container");
    expect(lastValue(u, "Container", "Exec")).toBe(`start.sh --name "immich server" 'single quoted' \\x2d`);
    expect(lastValue(u, "Container", "PodmanArgs")).toBe("--log-opt     max-size=10m");
    expect(effectiveValues(u, "Service", "ExecStartPre")).toEqual(["/usr/bin/true"]);
    expect(lastValue(u, "Service", "ExecStartPre")).toBe("/usr/bin/true");
    expect(lastValue(u, "Service", "Nope")).toBeUndefined();
    expect(u.entries.find((e) => e.key === "PublishPort")?.line).toBe(20);
  });

  it("strips whitespace around '=' and keeps inner whitespace of the value", () => {
    const u = parseUnitFile("[Unit]\n  Description   =   a  b\t\n\tAfter\t=x.service\n");
    expect(u.entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ["Description", "a  b", 2],
      ["After", "x.service", 3],
    ]);
  });

  it("treats only the first '=' as the separator", () => {
    const u = parseUnitFile("[Service]\nEnvironment=A=1 B==2\n");
    expect(lastValue(u, "Service", "Environment")).toBe("A=1 B==2");
  });

  it("accepts CRLF and lone CR line ends and a byte-order mark", () => {
    const u = parseUnitFile("\uFEFF[Unit]\r\nDescription=x\r\nAfter=a \\\r\n b\rWants=c\r\n");
    expect(u.entries.map((e) => [e.key, e.value])).toEqual([
      ["Description", "x"],
      ["After", "a   b"],
      ["Wants", "c"],
    ]);
  });

  it("an even number of trailing backslashes is not a continuation", () => {
    const u = parseUnitFile("[Service]\nExecStart=/bin/echo a\\\\\nUser=x\n");
    expect(lastValue(u, "Service", "ExecStart")).toBe("/bin/echo a\\\\");
    expect(lastValue(u, "Service", "User")).toBe("x");
    const odd = parseUnitFile("[Service]\nExecStart=/bin/echo a\\\\\\\n b\n");
    expect(lastValue(odd, "Service", "ExecStart")).toBe("/bin/echo a\\\\  b");
  });

  it("an empty line ends a continuation; a continuation open at end of file is still parsed", () => {
    const u = parseUnitFile("[Service]\nExecStart=/bin/a \\\n\nUser=u\nGroup=g \\");
    expect(u.entries.map((e) => [e.key, e.value])).toEqual([
      ["ExecStart", "/bin/a"],
      ["User", "u"],
      ["Group", "g"],
    ]);
  });

  it("a comment line ending in a backslash does not continue", () => {
    const u = parseUnitFile("[Unit]\n# comment \\\nDescription=d\n");
    expect(lastValue(u, "Unit", "Description")).toBe("d");
  });

  it("a continuation may join a comment-looking text that does not start its line", () => {
    const u = parseUnitFile("[Unit]\nDescription=a \\\n b # not a comment\n");
    expect(lastValue(u, "Unit", "Description")).toBe("a   b # not a comment");
  });

  it("repeated section headers continue the same section; an empty assignment resets the list", () => {
    const u = parseUnitFile("[Unit]\nAfter=a\n[Service]\nType=simple\n[Unit]\nAfter=b\nAfter=\nAfter=c d\n");
    expect(u.sections).toEqual(["Unit", "Service"]);
    expect(effectiveValues(u, "Unit", "After")).toEqual(["c d"]);
    expect(lastValue(u, "Unit", "After")).toBe("c d");
    const reset = parseUnitFile("[Unit]\nAfter=a\nAfter=\n");
    expect(effectiveValues(reset, "Unit", "After")).toEqual([]);
    expect(lastValue(reset, "Unit", "After")).toBe("");
  });

  it("empty and comment-only files have no sections", () => {
    expect(parseUnitFile("").entries).toEqual([]);
    expect(parseUnitFile("\n\n  \n# x\n; y\n").sections).toEqual([]);
  });

  it("rejects a key before any section, naming file and line", () => {
    const e = syntaxErrorOf("# header\n\nImage=x\n[Container]\n");
    expect(e.code).toBe("unit_syntax");
    expect(e.file).toBe("svc/x.container");
    expect(e.line).toBe(3);
    expect(e.message).toContain("outside of any section");
    expect(e.hint).toMatch(/section header/);
  });

  it("rejects a line without '=', a missing key, bad section headers and NUL bytes", () => {
    const missing = syntaxErrorOf("[Unit]\nDescription x\n");
    expect([missing.line, missing.message]).toEqual([2, "missing '=' in line 'Description x'"]);
    const noKey = syntaxErrorOf("[Unit]\n\n =x\n");
    expect([noKey.line, noKey.message]).toEqual([3, "missing key name before '=' in line '=x'"]);
    const header = syntaxErrorOf("[Unit]\n[Service] # trailing\n");
    expect([header.line, header.message]).toEqual([2, "invalid section header '[Service] # trailing'"]);
    expect(syntaxErrorOf("[]\n").message).toContain("bad section name");
    expect(syntaxErrorOf('[Un"it]\n').message).toContain("bad section name");
    expect(syntaxErrorOf("[Unit]\nA=1\nB=\0\n").line).toBe(3);
    const cont = syntaxErrorOf("[Unit]\nA=1\nfoo \\\n bar\n");
    expect(cont.line).toBe(3);
  });

  it("the rendered error names file, line and a hint", () => {
    const e = syntaxErrorOf("Image=x\n", "services/web/web.container");
    expect(e.render()).toBe(
      "error[unit_syntax]: services/web/web.container:1: assignment outside of any section: 'Image=x'\n" +
        "  hint: put a section header such as [Unit], [Service] or [Container] before the first key",
    );
  });

  it("stripBlanks strips only systemd's whitespace", () => {
    expect(stripBlanks(" \t\r\nx y\u00a0 ")).toBe("x y\u00a0");
  });

  it("property: parsing reproduces any generated set of assignments, whatever the formatting", () => {
    const keyArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
    const valueArb = fc
      .stringMatching(/^[^\r\n\\\0]{0,20}$/)
      .map((v) => stripBlanks(v))
      .filter((v) => v !== "");
    const entryArb = fc.record({
      key: keyArb,
      value: valueArb,
      pad: fc.constantFrom("", " ", "\t", "  "),
      comment: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), (es, nl) => {
        const lines = ["[S]"];
        for (const e of es) {
          if (e.comment) lines.push(`${e.pad}# about ${e.key}`);
          lines.push(`${e.pad}${e.key}${e.pad}=${e.pad}${e.value}${e.pad}`);
        }
        const u = parseUnitFile(lines.join(nl) + nl);
        expect(u.entries.map((x) => [x.key, x.value])).toEqual(es.map((e) => [e.key, e.value]));
      }),
    );
  });
});
