/**
 * An in-memory libvirt behind the `Virsh` interface, for unit tests of teardown logic: domains (persistent,
 * or transient once undefined while running), volumes, per-verb delays and scripted failures. It models the
 * behaviour teardown depends on — `undefine` of a running domain leaves it listed until it stops — and
 * nothing more.
 */
import { readFileSync } from "node:fs";
import type { Virsh, VirshResult } from "../virsh.js";

interface Domain {
  running: boolean;
  persistent: boolean;
  xml?: string;
}

export class FakeVirsh implements Virsh {
  readonly uri = "test:///fake";
  readonly calls: string[] = [];
  readonly domains = new Map<string, Domain>();
  readonly volumes = new Set<string>();
  /** Milliseconds each verb takes. */
  readonly delays: Record<string, number> = {};
  /** Scripted failures (stderr), consumed one per call of the verb. */
  readonly failures: Record<string, string[]> = {};

  async run(args: readonly string[]): Promise<VirshResult> {
    const [verb = "", ...rest] = args;
    this.calls.push(args.join(" "));
    const delay = this.delays[verb] ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = this.failures[verb]?.shift();
    if (failure !== undefined) return fail(failure);
    const name = rest[0] ?? "";
    const domain = this.domains.get(name);
    const gone = fail(`error: failed to get domain '${name}'`);
    switch (verb) {
      case "vol-info":
        return ok("Capacity:       1073741824\n");
      case "vol-create-as":
        this.volumes.add(rest[1] ?? "");
        return ok("");
      case "vol-delete":
        return this.volumes.delete(name) ? ok("") : fail(`error: Storage volume not found: ${name}`);
      case "define": {
        const xml = readFileSync(name, "utf8");
        const defined = /<name>([^<]+)<\/name>/.exec(xml)?.[1] ?? "";
        this.domains.set(defined, {
          running: this.domains.get(defined)?.running ?? false,
          persistent: true,
          xml,
        });
        return ok("");
      }
      case "start":
        if (domain === undefined) return gone;
        domain.running = true;
        return ok("");
      case "destroy":
        if (domain === undefined) return gone;
        if (!domain.running) return fail("error: Requested operation is not valid: domain is not running");
        domain.running = false;
        if (!domain.persistent) this.domains.delete(name);
        return ok("");
      case "undefine":
        if (domain === undefined) return gone;
        if (domain.running) domain.persistent = false;
        else this.domains.delete(name);
        return ok("");
      case "dumpxml":
        if (domain === undefined) return gone;
        return ok(domain.xml ?? `<domain><name>${name}</name></domain>`);
      case "domstate":
        if (domain === undefined) return gone;
        return ok(domain.running ? "running\n" : "shut off\n");
      default:
        return fail(`fake virsh: unsupported ${verb}`);
    }
  }
}

function ok(stdout: string): VirshResult {
  return { exitCode: 0, stdout, stderr: "" };
}

function fail(stderr: string): VirshResult {
  return { exitCode: 1, stdout: "", stderr };
}
