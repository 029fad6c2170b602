/**
 * The guest half of the readiness contract (ARCHITECTURE.md "The guest contract"): a script that prints one
 * `CORE_OPS_VERIFY_READY {json}` line to the serial console on every boot, and the unit that runs it.
 */
export const READY_SCRIPT_PATH = "/usr/local/bin/core-ops-verify-ready";
export const READY_UNIT_NAME = "core-ops-verify-ready.service";
export const READY_MARKER = "CORE_OPS_VERIFY_READY";

/** Run ids become domain names, file names and shell words: keep them to a safe alphabet. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9]{16,128}$/;

export function readinessScript(runId: string, token: string): string {
  if (!RUN_ID_PATTERN.test(runId))
    throw new Error(`run id ${JSON.stringify(runId)} must match ${RUN_ID_PATTERN}`);
  if (!TOKEN_PATTERN.test(token)) throw new Error("readiness token must be 16-128 alphanumeric characters");
  return `#!/bin/sh
# core-ops-verify readiness marker, generated for one run. Prints one record to the serial console.
RUN_ID='${runId}'
TOKEN='${token}'
ip=""
i=0
while [ "$i" -lt 240 ]; do
  ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}')
  [ -n "$ip" ] && break
  i=$((i + 1))
  sleep 0.25
done
boot_id=$(cat /proc/sys/kernel/random/boot_id)
host=$(cat /proc/sys/kernel/hostname)
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
line=$(printf '${READY_MARKER} {"run_id":"%s","token":"%s","ip":"%s","boot_id":"%s","hostname":"%s","ts":"%s"}' \\
  "$RUN_ID" "$TOKEN" "$ip" "$boot_id" "$host" "$ts")
if [ -c /dev/ttyS0 ] && [ -w /dev/ttyS0 ]; then
  printf '\\n%s\\n' "$line" > /dev/ttyS0
else
  printf '\\n%s\\n' "$line" > /dev/console
fi
echo "readiness record written (boot_id=$boot_id ip=$ip)"
`;
}

/** The unit; `extraAfter` orders it after units the run depends on (e.g. the delivery mount). */
export function readinessUnit(extraAfter: readonly string[] = []): string {
  const after = ["ssh.service", "sshd.service", ...extraAfter].join(" ");
  const wants = extraAfter.length > 0 ? `Wants=${extraAfter.join(" ")}\n` : "";
  return `[Unit]
Description=core-ops-verify readiness marker on the serial console
${wants}After=${after}

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${READY_SCRIPT_PATH}

[Install]
WantedBy=multi-user.target
`;
}
