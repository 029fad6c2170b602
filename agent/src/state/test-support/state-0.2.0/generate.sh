#!/usr/bin/env bash
# Regenerates this fixture: a state directory (status.json, snapshots.json) as written by core-ops 0.2.0.
# Usage: generate.sh <core-ops 0.2.0 CLI, e.g. agent/bin/core-ops.js of a 0.2.0 checkout>
# Three revisions applied to an offline root, then a rollback to v2: a hold (rolled back from v3), the
# inventory of v2, and three snapshots (v2, v3, v1). Commit ids are deterministic (fixed identity and dates).
set -euo pipefail
CLI=$1
OUT=$(cd "$(dirname "$0")" && pwd)
W=/tmp/core-ops-fixture-0.2.0
rm -rf "$W" && mkdir -p "$W/repo"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
cd "$W/repo" && git init -q -b main
tree() { # $1 = version
  rm -rf hosts services
  mkdir -p hosts/h1/overrides/config/etc/web services/web/config/etc/web services/web/web.container.d services/backup
  printf 'host: h1\nservices: [web, backup]\n' >hosts/h1/host.yaml
  printf '[Unit]\nRequires=data-volume.service\n\n[Container]\nImage=localhost/web:%s\nEnvironmentFile=/etc/web/app.env\nVolume=data.volume:/data\n' "$1" >services/web/web.container
  printf '[Service]\nMemoryMax=%sM\n' "$((100 * $1))" >services/web/web.container.d/10-limits.conf
  printf '[Volume]\n' >services/web/data.volume
  printf 'VERSION=%s\n' "$1" >services/web/config/etc/web/app.env
  printf 'listen=80\n' >services/web/config/etc/web/site.conf
  printf 'listen=8%s\n' "$1" >hosts/h1/overrides/config/etc/web/site.conf
  head -c 256 /dev/zero | tr '\0' "\\$((300 + $1))" >services/web/config/etc/web/blob.bin
  printf '\x00\xff\xfe%s' "$1" >>services/web/config/etc/web/blob.bin
  printf '[Service]\nType=oneshot\nExecStart=/usr/bin/echo backup %s\n' "$1" >services/backup/backup.service
  printf '[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n' >services/backup/backup.timer
  git add -A
  GIT_AUTHOR_DATE="2026-11-0${1}T10:00:00Z" GIT_COMMITTER_DATE="2026-11-0${1}T10:00:00Z" git commit -q -m "v$1"
  git tag -f "v$1" >/dev/null
}
args=(--root "$W/root" --state-file "$W/state/status.json" --lock-path "$W/run/agent.lock" --host h1)
tree 1
node "$CLI" init "$W/repo" main --state-file "$W/state/status.json"
node "$CLI" apply "${args[@]}"
tree 2
node "$CLI" apply "${args[@]}"
tree 3
node "$CLI" apply "${args[@]}"
node "$CLI" apply "${args[@]}" --rollback-to "$(git rev-parse v2)"
node "$CLI" status --state-file "$W/state/status.json"
cp "$W/state/status.json" "$W/state/snapshots.json" "$OUT/"
git log --format='%H %s' >"$OUT/revisions.txt"
