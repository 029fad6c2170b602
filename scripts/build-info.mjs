#!/usr/bin/env node
// Records the build's identity (version, git revision, tree state, build time) next to the compiled agent,
// so `core-ops --version` can name the exact source it was built from (README.md "Apply, the timer agent
// and the single-file binary").
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

function git(args) {
  try {
    return execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

const revision = git(["rev-parse", "HEAD"]) ?? "unknown";
const porcelain = git(["status", "--porcelain", "--untracked-files=no"]);
const treeState = porcelain === undefined ? "unknown" : porcelain === "" ? "clean" : "dirty";
const info = { version, revision, tree_state: treeState, build_time: new Date().toISOString() };
const out = join(root, "agent", "dist", "build-info.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(info, null, 2)}\n`);
