/** What the source resolution says about signatures (README "Signed desired state"). */
import type { SignatureCheck } from "../desired/signature.js";
import { CoreOpsError, ExitCode } from "../errors.js";

export function signedNote(s: SignatureCheck): string {
  return `signature: ${s.object} ${s.id.slice(0, 8)} signed by ${s.signer} (${s.key}), an allowed signer`;
}

/** A `--source-repo` directory has no verifiable commit: refused while signatures are required. */
export function unverifiedDirectory(signers: string): CoreOpsError {
  return new CoreOpsError("--source-repo cannot be verified while CORE_OPS_ALLOWED_SIGNERS is set", {
    code: "unverifiable_source",
    field: "CORE_OPS_ALLOWED_SIGNERS",
    file: signers,
    exitCode: ExitCode.usage,
    hint: "use the tracked repository (core-ops init), or unset CORE_OPS_ALLOWED_SIGNERS for a stateless run",
  });
}
