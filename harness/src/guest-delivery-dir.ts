/** Guest directory under which deliveries are mounted read-only (ARCHITECTURE.md "The guest contract"). */
export const GUEST_DELIVERY_DIR = "/run/core-ops-verify/delivery";
