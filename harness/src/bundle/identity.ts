/**
 * What a scenario run ran, as its bundle and verification_run record it: the identity of the guest image
 * the hypervisor booted and the build identity (version, revision, tree state) of the agent binary
 * delivered into it (README "Release gate").
 */
import { z } from "zod";
import { ImageIdentitySchema } from "../guest-image/identity.js";

export const AgentBinaryIdentitySchema = z.object({
  version: z.string(),
  revision: z.string(),
  tree_state: z.enum(["clean", "dirty", "unknown"]),
});

export const RunIdentitySchema = z.object({
  guest_image: ImageIdentitySchema,
  /** null when no built agent binary (with its build-info.json) was there to deliver. */
  agent_binary: AgentBinaryIdentitySchema.nullable(),
});
export type RunIdentity = z.infer<typeof RunIdentitySchema>;
