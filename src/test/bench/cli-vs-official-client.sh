#!/usr/bin/env bash
# The CLI against the official Python client (github truenas/api_client), timed as whole processes in pairs:
# `truenas-gitops apps list` and `truenas-gitops --version` each against the official client doing what `apps list`
# does (TLS connect, API-key login, app.query, print names), A B A B ..., against one emulator with one app.
# Prints each command's median wall and CPU seconds (user + system) and peak RSS, and the median of the ratios
# pair by pair (A/B), which holds when a shared machine's speed drifts during the run. docs/performance.md quotes it.
#
#   ./mvnw -B -ntp -o package -DskipTests
#   REFERENCE=/path/to/shared/bench/official-client-reference.sh src/test/bench/cli-vs-official-client.sh [PAIRS]
#
# PAIRS: pairs per command (default 7). REFERENCE: the official client's script (default ../shared/bench/ next to
# the checkout; it needs Debian's python3 and git mirrors of the client, see its header). LAUNCHER: the command
# measured (default target/quarkus-app/truenas-gitops). Timing: GNU time (/usr/bin/time). The first run of each
# command is a warm-up (it also trains the launcher's class archive when there is none) and is not counted.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
pairs=${1:-7}
launcher=${LAUNCHER:-$root/target/quarkus-app/truenas-gitops}
reference=${REFERENCE:-$root/../shared/bench/official-client-reference.sh}
[ -x "$launcher" ] || { echo "no launcher at $launcher: run ./mvnw -B -ntp -o package -DskipTests first" >&2; exit 2; }
[ -f "$reference" ] || { echo "no official client script at $reference: set REFERENCE" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$launcher" emulator --port 0 --deploy-delay 0s --ready-file "$work/ready" >"$work/emulator.out" 2>&1 &
emulator_pid=$!
for _ in $(seq 120); do [ -s "$work/ready" ] && break; sleep 0.5; done
[ -s "$work/ready" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.out" >&2; exit 1; }
field() { sed -n "s/^$1: *//p" "$work/emulator.out"; }
export TRUENAS_URL TRUENAS_API_KEY TRUENAS_TLS_FINGERPRINT TRUENAS_USERNAME
TRUENAS_URL=$(field url)
TRUENAS_API_KEY=$(field apiKey)
TRUENAS_TLS_FINGERPRINT=$(field tlsFingerprint)
TRUENAS_USERNAME=$(field username)
printf 'services:\n  web:\n    image: busybox:latest\n    command: ["sleep", "3600"]\n' >"$work/compose.yaml"
"$launcher" deploy --name bench "$work/compose.yaml" >/dev/null 2>&1
"$reference" --setup-only >/dev/null

# one run: appends "wall cpu peak_kib" to $1
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || true
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/t" >>"$out"
}

# paired NAME COMMAND...: the command against the reference, A B A B ...
paired() {
  local name=$1; shift
  : >"$work/$name.a"; : >"$work/$name.b"
  "$@" >/dev/null 2>&1 || true
  "$reference" >/dev/null 2>&1 || true
  for _ in $(seq "$pairs"); do
    measure "$work/$name.a" "$@"
    measure "$work/$name.b" "$reference"
  done
  python3 - "$name" "$work/$name.a" "$work/$name.b" "$pairs" <<'PY'
import statistics as s, sys
name, a, b, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
A = [list(map(float, l.split())) for l in open(a)]
B = [list(map(float, l.split())) for l in open(b)]
med = lambda rows, i: s.median(r[i] for r in rows)
ratio = lambda i: s.median(x[i] / y[i] for x, y in zip(A, B) if y[i] > 0)
print(f"| `truenas-gitops {name}` | {med(A,0):.2f} | {med(A,1):.2f} | {med(A,2)/1024:.0f} | {ratio(0):.2f}× | {ratio(1):.2f}× |")
print(f"| official client, apps list (paired with {name}) | {med(B,0):.2f} | {med(B,1):.2f} | {med(B,2)/1024:.0f} | 1.00 | 1.00 |")
print(f"({n} pairs; wall min–max {min(r[0] for r in A):.2f}–{max(r[0] for r in A):.2f} s against"
      f" {min(r[0] for r in B):.2f}–{max(r[0] for r in B):.2f} s)")
PY
}

echo "| command | wall s | CPU s | peak RSS MiB | wall × official | CPU × official |"
echo "|---|---|---|---|---|---|"
paired "apps list" "$launcher" apps list
paired "--version" "$launcher" --version
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
