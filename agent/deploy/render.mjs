#!/usr/bin/env node
// Renders the CoreOps install snippet for a Fedora CoreOS host, either as Butane (fcos 1.4.0, the
// default) or directly as the Ignition 3.3.0 config Butane would produce (--format ignition), so callers
// without butane (e.g. the verification harness) get the same result.
//   node agent/deploy/render.mjs --url URL --sha512 HEX --repo REPO --rev REF
//        [--quadlet-dir D] [--systemd-unit-dir D] [--format butane|ignition]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`render.mjs: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    sha512: { type: "string" },
    repo: { type: "string" },
    rev: { type: "string" },
    "quadlet-dir": { type: "string", default: "/etc/containers/systemd" },
    "systemd-unit-dir": { type: "string", default: "/etc/systemd/system" },
    format: { type: "string", default: "butane" },
  },
});
for (const key of ["url", "sha512", "repo", "rev"]) if (!values[key]) fail(`--${key} is required`);
if (!/^[0-9a-f]{128}$/.test(values.sha512))
  fail("--sha512 must be 128 lowercase hex digits (sha512sum output)");
if (!/^(https?|tftp|s3|gs|data):/.test(values.url))
  fail("--url must be a URL Ignition can fetch (http(s), tftp, s3, gs, data)");
for (const key of ["repo", "rev", "quadlet-dir", "systemd-unit-dir"]) {
  if (/[\s"\\]/.test(values[key])) fail(`--${key} must not contain whitespace, quotes or backslashes`);
}
if (!["butane", "ignition"].includes(values.format)) fail("--format must be butane or ignition");

const service = readFileSync(join(here, "core-ops.service"), "utf8");
const timer = readFileSync(join(here, "core-ops.timer"), "utf8");
const dropin = [
  "[Service]",
  `Environment=CORE_OPS_REPO=${values.repo}`,
  `Environment=CORE_OPS_REV=${values.rev}`,
  `Environment=CORE_OPS_QUADLET_DIR=${values["quadlet-dir"]}`,
  `Environment=CORE_OPS_SYSTEMD_UNIT_DIR=${values["systemd-unit-dir"]}`,
  "",
].join("\n");

if (values.format === "butane") {
  const indent = (text) =>
    text
      .trimEnd()
      .split("\n")
      .map((line) => (line === "" ? "" : `        ${line}`))
      .join("\n");
  const out = readFileSync(join(here, "core-ops.bu.in"), "utf8")
    .replaceAll("@CORE_OPS_BINARY_URL@", values.url)
    .replaceAll("@CORE_OPS_BINARY_SHA512@", values.sha512)
    .replaceAll("@CORE_OPS_REPO@", values.repo)
    .replaceAll("@CORE_OPS_REV@", values.rev)
    .replaceAll("@CORE_OPS_QUADLET_DIR@", values["quadlet-dir"])
    .replaceAll("@CORE_OPS_SYSTEMD_UNIT_DIR@", values["systemd-unit-dir"])
    .replace("@CORE_OPS_SERVICE@", indent(service))
    .replace("@CORE_OPS_TIMER@", indent(timer));
  process.stdout.write(out);
} else {
  const ignition = {
    ignition: { version: "3.3.0" },
    storage: {
      directories: [{ path: "/var/lib/core-ops", mode: 0o700 }],
      files: [
        {
          path: "/usr/local/bin/core-ops",
          mode: 0o755,
          contents: { source: values.url, verification: { hash: `sha512-${values.sha512}` } },
        },
      ],
    },
    systemd: {
      units: [
        {
          name: "core-ops.service",
          contents: service,
          dropins: [{ name: "10-source.conf", contents: dropin }],
        },
        { name: "core-ops.timer", enabled: true, contents: timer },
      ],
    },
  };
  process.stdout.write(`${JSON.stringify(ignition, null, 2)}\n`);
}
