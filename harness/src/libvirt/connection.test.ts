import { describe, expect, it } from "vitest";
import { resolveConnection } from "./connection.js";

describe("resolveConnection", () => {
  it("defaults to the local system libvirt, the core-ops-verify pool and /var/lib/core-ops-verify", () => {
    expect(resolveConnection({}, {})).toEqual({
      uri: "qemu:///system",
      remote: false,
      pool: "core-ops-verify",
      stateDir: "/var/lib/core-ops-verify",
      imageCacheDir: "/var/lib/core-ops-verify/images",
      baseImage: undefined,
      allowArpFallback: false,
      domainType: undefined,
    });
  });

  it("turns CORE_OPS_VERIFY_VM_HOST into a qemu+ssh URI for user core", () => {
    const settings = resolveConnection({}, { CORE_OPS_VERIFY_VM_HOST: "hv1.example" });
    expect(settings.uri).toBe("qemu+ssh://core@hv1.example/system");
    expect(settings.remote).toBe(true);
  });

  it("lets CORE_OPS_VERIFY_LIBVIRT_URI win over the VM host, and options win over both", () => {
    const env = { CORE_OPS_VERIFY_VM_HOST: "hv1", CORE_OPS_VERIFY_LIBVIRT_URI: "qemu+tcp://hv2/system" };
    expect(resolveConnection({}, env).uri).toBe("qemu+tcp://hv2/system");
    expect(resolveConnection({ uri: "qemu:///system" }, env).uri).toBe("qemu:///system");
  });

  it("reads pool, state dir, image cache, base image, ARP fallback and domain type", () => {
    const settings = resolveConnection(
      {},
      {
        CORE_OPS_VERIFY_POOL: "p",
        CORE_OPS_VERIFY_STATE_DIR: "/srv/v",
        CORE_OPS_VERIFY_BASE_IMAGE: "/srv/fcos/descriptor.json",
        CORE_OPS_VERIFY_ALLOW_ARP_FALLBACK: "true",
        CORE_OPS_VERIFY_DOMAIN_TYPE: "qemu",
      },
    );
    expect(settings).toMatchObject({
      pool: "p",
      stateDir: "/srv/v",
      imageCacheDir: "/srv/v/images",
      baseImage: "/srv/fcos/descriptor.json",
      allowArpFallback: true,
      domainType: "qemu",
    });
  });

  it("rejects an unknown domain type naming the variable", () => {
    expect(() => resolveConnection({}, { CORE_OPS_VERIFY_DOMAIN_TYPE: "xen" })).toThrow(
      /CORE_OPS_VERIFY_DOMAIN_TYPE/,
    );
  });
});
