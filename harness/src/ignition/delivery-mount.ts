/**
 * The guest side of read-only delivery: a mount unit for the delivery disk. The disk is
 * an ext4 image labelled `DELIVERY_LABEL`, attached read-only; the unit mounts it at `GUEST_DELIVERY_DIR`.
 */
import { GUEST_DELIVERY_DIR } from "../guest-delivery-dir.js";

/** ext4 labels are at most 16 bytes. */
export const DELIVERY_LABEL = "coreops-delivery";

/** systemd path escaping (as `systemd-escape --path`) for the simple absolute paths used here. */
export function escapeSystemdPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "-";
  return trimmed
    .split("/")
    .filter((part) => part !== "")
    .map((part) =>
      [...part]
        .map((ch, index) =>
          /[A-Za-z0-9:_]/.test(ch) || (ch === "." && index > 0)
            ? ch
            : `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`,
        )
        .join(""),
    )
    .join("-");
}

export function deliveryMountUnitName(where: string = GUEST_DELIVERY_DIR): string {
  return `${escapeSystemdPath(where)}.mount`;
}

export function deliveryMountUnit(where: string = GUEST_DELIVERY_DIR): string {
  return `[Unit]
Description=core-ops-verify read-only delivery disk

[Mount]
What=/dev/disk/by-label/${DELIVERY_LABEL}
Where=${where}
Type=ext4
Options=ro,nodev,nosuid,noload,nofail

[Install]
WantedBy=multi-user.target
`;
}
