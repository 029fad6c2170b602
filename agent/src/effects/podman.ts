/** The real `ContainerRuntime`: `podman container inspect` through execa. */
import { execa } from "execa";
import type { ContainerRuntime, ContainerState } from "../apply/ports.js";

export class PodmanContainers implements ContainerRuntime {
  constructor(private readonly binary = "podman") {}

  async state(name: string): Promise<ContainerState | null> {
    const res = await execa(
      this.binary,
      ["container", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name],
      { reject: false, stdin: "ignore", timeout: 120_000 },
    );
    if (res.exitCode !== 0) return null;
    const [status, code] = String(res.stdout).trim().split(/\s+/);
    return { status: status || "unknown", exitCode: Number(code ?? "0") || 0 };
  }
}
