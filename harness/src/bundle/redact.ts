/**
 * Secret redaction for every bundle file: private key blocks, the run's readiness token and any
 * other secret string the run knows of are replaced by `[REDACTED]`. Pure.
 */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(PRIVATE_KEY, "[REDACTED PRIVATE KEY]");
  for (const s of [...secrets].filter((x) => x.length >= 6).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join("[REDACTED]");
  }
  return out;
}
