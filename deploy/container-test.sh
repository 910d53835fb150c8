#!/usr/bin/env bash
# The container image, built and run for real on a Docker Engine: the daemon in its image against the TrueNAS
# emulator (in a container of the same image) and a Git repository of stacks-example/, as docs/install.md sets it
# up on a NAS. Checks that the container becomes healthy, its first pass creates every example stack, /q/metrics
# and /api/v1/stacks answer through the port published on 127.0.0.1, it runs as uid 10001 with its state on the
# volume, `docker stop` ends it gracefully within the grace period, and a new container on the same volume resumes
# from that state without a single write. It also runs the commands of docs/install.md that can run off a NAS
# (InstallDocTest checks that each of them is here).
#
#   deploy/container-test.sh          exit 0 all passed, 1 a check failed; last line "N passed, N failed"
#
# Needs docker (DOCKER_HOST is honoured), git and curl. Without an answering engine it skips (exit 0) and says
# how to get one, except under CI=true, where a skip is a failure. Nothing is pulled from any registry:
#   base image   CONTAINER_TEST_BASE_IMAGE if set (it must exist locally), else PREFIX-base:bookworm-jre17, built
#                once by deploy/local-base-image.sh (as root: debootstrap) and reused by later runs
#   jar          target/quarkus-app, built with ./mvnw -B -ntp package -DskipTests when missing
# Everything it creates is named CONTAINER_TEST_PREFIX-* (default truenas-gitops-ct) and removed at the end,
# except the base image. The containers share one network of their own and reach each other by name; only the
# daemon's port is published, on 127.0.0.1; the engine's default bridge is not used.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

prefix="${CONTAINER_TEST_PREFIX:-truenas-gitops-ct}"
image="$prefix-image:test"
net="$prefix-net"
emulator="$prefix-emulator"
daemon="$prefix-daemon"
volume="$prefix-state"
# The compose files' stop_grace_period: above the daemon's 2 m shutdown timeout, so that a stop never kills it
# while it waits for a job in flight.
grace=130
started=$SECONDS
passed=0
failed=0
work=""

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/     /'; fi
}
cleanup() {
  if [ "${CONTAINER_TEST_KEEP:-}" = 1 ] && [ "${1:-}" != start ]; then
    echo "CONTAINER_TEST_KEEP=1: left $daemon, $emulator, $net, $volume, $image and $work"
    return
  fi
  if docker info >/dev/null 2>&1; then
    docker rm -f -v "$daemon" "$emulator" >/dev/null 2>&1
    docker network rm "$net" >/dev/null 2>&1
    docker volume rm "$volume" >/dev/null 2>&1
    docker image rm "$image" >/dev/null 2>&1
  fi
  if [ -n "$work" ] && [ -d "$work" ]; then
    # Files given to uid 10001 with mode 600: only root removes them.
    if [ "$(id -u)" -ne 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
      docker run --rm --network none --user 0 --entrypoint rm -v "$work:/work" "$image" -rf /work/nas >/dev/null 2>&1
    fi
    rm -rf "$work"
  fi
}
finish() {
  trap - EXIT
  cleanup
  echo "container test: $((SECONDS - started)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
# A failed step the next ones depend on: record it and stop here.
abort() { fail "$@"; finish; }
trap finish EXIT
trap 'fail "interrupted"; finish' INT TERM

daemon_logs() { docker logs --tail "${1:-25}" "$daemon" 2>&1 | sed -E 's/.*"level":"([A-Z]+)","message":"(([^"\\]|\\.)*)".*/\1 \2/'; }
# Waits up to $1 seconds for the command "${@:2}" to succeed.
wait_for() {
  local timeout="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}
metric() { # metric NAME_AND_LABELS: its value from /q/metrics (0 when absent)
  curl -fsS "http://$addr/q/metrics" 2>/dev/null | awk -v k="$1" 'index($0, k " ") == 1 { v = $2 } END { print v + 0 }'
}
metric_at_least() { [ "$(metric "$1" | cut -d. -f1)" -ge "$2" ]; }
passes_at_least() { # any finished pass, whatever its result
  [ "$(curl -fsS "http://$addr/q/metrics" 2>/dev/null | awk '/^truenas_gitops_reconcile_total\{/ { n += $2 } END { print int(n) }')" -ge "$1" ]
}
# One stack's object from /api/v1/stacks (flat JSON; stacks are split at the start of the next one).
stack_json() { printf '%s' "$1" | sed 's/},{"name":"/}\n{"name":"/g' | grep -E "^\[?\{\"name\":\"$2\""; }
field() { grep -o "\"$2\":\"\?[^,\"]*" <<<"$1" | head -n 1 | sed -E "s/^\"$2\":\"?//"; }
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$daemon" 2>/dev/null; }
healthy() {
  local h
  h="$(health)"
  [ "$h" = healthy ] || { [ "$h" = unhealthy ] && return 0; [ "$(docker inspect -f '{{.State.Running}}' "$daemon" 2>/dev/null)" != true ]; }
}
write_calls() { # the daemon's middleware calls that change apps, from its own metrics
  curl -fsS "http://$addr/q/metrics" 2>/dev/null \
    | awk '/^truenas_gitops_api_calls_total\{method="app\.(create|update|delete|start|stop|redeploy|pull_images)"/ { n += $2 } END { print n + 0 }'
}

# ---- an engine ---------------------------------------------------------------------------------------------------
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  trap - EXIT
  if [ "${CI:-}" = true ]; then
    echo "container test: FAILED: no Docker Engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}), and CI must run"
    echo "this test: start one with .ci/docker-engine.sh (as .ci/run does) and export the DOCKER_HOST it prints"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "container test: SKIPPED: no Docker Engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}). To run it: start"
  echo "Docker, or run 'sudo .ci/docker-engine.sh' and export the DOCKER_HOST it prints, then run this again."
  echo "0 passed, 0 failed"
  exit 0
fi
for tool in git curl; do
  command -v "$tool" >/dev/null || abort "'$tool' is needed to run the container test: install it"
done
echo "container test: engine $(docker version -f '{{.Server.Version}}' 2>/dev/null) at ${DOCKER_HOST:-the default socket}"
cleanup start # leftovers of an interrupted run
work="$(mktemp -d "${TMPDIR:-/tmp}/truenas-gitops-ct.XXXXXX")"

# ---- the base image, the jar, the image --------------------------------------------------------------------------
base="${CONTAINER_TEST_BASE_IMAGE:-$prefix-base:bookworm-jre17}"
if docker image inspect "$base" >/dev/null 2>&1; then
  echo "base image: $base (present; remove it to build it again)"
elif [ -n "${CONTAINER_TEST_BASE_IMAGE:-}" ]; then
  abort "the base image $base is not on this engine (nothing is pulled): load it, or unset CONTAINER_TEST_BASE_IMAGE"
elif [ "$(id -u)" -ne 0 ]; then
  abort "no base image $base: build it once with 'sudo deploy/local-base-image.sh $base', or set CONTAINER_TEST_BASE_IMAGE to a local Java 17 image with sh, curl and useradd"
else
  t=$SECONDS
  deploy/local-base-image.sh "$base" || abort "the local base image could not be built (deploy/local-base-image.sh)"
  echo "base image: built in $((SECONDS - t)) s"
fi

if [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  t=$SECONDS
  ./mvnw -B -ntp package -DskipTests > "$work/maven.log" 2>&1 \
    || abort "the jar could not be built (./mvnw -B -ntp package -DskipTests)" "$(tail -n 30 "$work/maven.log")"
  echo "jar: built in $((SECONDS - t)) s"
fi

version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -n 1)"
# BuildKit where the client has it (buildx, or a 20.10-22 client's own); the legacy builder otherwise. Either way
# the build has no network: the Dockerfile must not need one.
client_major="$(docker version -f '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)"
if docker buildx version >/dev/null 2>&1 || [ "${client_major:-99}" -lt 23 ]; then buildkit=1; else buildkit=0; fi
t=$SECONDS
if out="$(DOCKER_BUILDKIT=$buildkit docker build --network none --build-arg BASE_IMAGE="$base" \
    --build-arg VERSION="$version" -t "$image" . 2>&1)"; then
  pass "the image builds from target/quarkus-app on $base (BuildKit: $buildkit, $((SECONDS - t)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1 / 1000000}'))"
else
  abort "the image builds from target/quarkus-app on $base" "$(tail -n 20 <<<"$out")"
fi
config="$(docker image inspect -f '{{.Config.User}} {{range $k, $v := .Config.Volumes}}{{$k}}{{end}} {{json .Config.Healthcheck.Test}} {{index .Config.Labels "org.opencontainers.image.version"}}' "$image")"
if [[ "$config" == "10001:10001 /var/lib/truenas-gitops "*"/q/health/ready\"] $version" ]]; then
  pass "the image runs as 10001:10001 with the state volume, a health check and its version label"
else
  fail "the image runs as 10001:10001 with the state volume, a health check and its version label" "got: $config"
fi

# docs/install.md, step 1 without a registry: save the image to a file, load it on the NAS.
tarball="$work/image.tar.gz"
id_before="$(docker image inspect -f '{{.Id}}' "$image")"
if docker save "$image" | gzip > "$tarball" && docker image rm "$image" >/dev/null && docker load -i "$tarball" >/dev/null \
    && [ "$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null)" = "$id_before" ]; then
  pass "the image survives docker save | gzip and docker load ($(du -m "$tarball" | cut -f1) MB file)"
else
  abort "the image survives docker save | gzip and docker load"
fi
rm -f "$tarball"

if command -v docker-compose >/dev/null; then
  for file in deploy/truenas/compose.yaml deploy/truenas/compose-unix-socket.yaml; do
    if out="$(docker-compose -f "$file" config -q 2>&1)"; then
      pass "$file is a valid Compose file (docker-compose $(docker-compose version --short 2>/dev/null))"
    else
      fail "$file is a valid Compose file" "$out"
    fi
  done
fi

# ---- the emulated NAS and the stacks repository ------------------------------------------------------------------
docker network create "$net" >/dev/null || abort "the test network $net could not be created"
# The emulator's throw-away API key, owned by the user the install walk creates.
api_key="1-$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 64)"
docker run -d --name "$emulator" --network "$net" --pull never --no-healthcheck "$image" \
  emulator --host 0.0.0.0 --allow-non-loopback --port 8443 --username gitops --api-key "$api_key" \
  --deploy-delay PT1S --job-step-delay PT0.1S --ready-file /tmp/emulator.json >/dev/null \
  || abort "the emulator container starts"
emulator_ready() { docker exec "$emulator" test -s /tmp/emulator.json 2>/dev/null; }
if wait_for 120 emulator_ready; then
  fingerprint="$(docker exec "$emulator" sed -n 's/.*"tlsFingerprint" : "\([0-9A-F:]*\)".*/\1/p' /tmp/emulator.json)"
  pass "the emulator answers in its own container on $net (certificate $fingerprint)"
else
  abort "the emulator answers in its own container on $net" "$(docker logs --tail 20 "$emulator" 2>&1)"
fi

repo="$work/stacks.git"
mkdir -p "$repo"
cp -R stacks-example/. "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name="container test" -c user.email=ct@localhost -c commit.gpgsign=false commit -qm "the example stacks"
chmod -R a+rX "$repo"
stacks=()
for dir in stacks-example/stacks/*/; do stacks+=("$(basename "$dir")"); done

# ---- docs/install.md, steps 2 to 4: the dataset's folders, the secrets, their owner ----------------------------
D=$work/nas
mkdir -p "$D/state" "$D/secrets" "$D/stack-secrets"
( umask 077; cat > "$D/secrets/api-key" <<<"$api_key" )
( umask 077; head -c 32 /dev/urandom | base64 > "$D/secrets/api-token" )
# The file:// repository needs no token and the test sends no webhook: the files are there as on a NAS.
( umask 077; cat > "$D/secrets/git-token" <<<"unused-by-file-urls" )
( umask 077; cat > "$D/secrets/webhook-secret" <<<"$(head -c 24 /dev/urandom | base64)" )
( umask 077; cat > "$D/stack-secrets/NEXTCLOUD_DB_PASSWORD" <<<"$(head -c 18 /dev/urandom | base64)" )
( umask 077; cat > "$D/stack-secrets/GRAFANA_ADMIN_PASSWORD" <<<"$(head -c 18 /dev/urandom | base64)" )
for example in stacks-example/secrets.example/*; do
  [ -f "$D/stack-secrets/${example##*/}" ] || abort "stacks-example needs the secret ${example##*/}: add it here and to docs/install.md"
done
if [ "$(id -u)" -eq 0 ]; then
  chown -R 10001:10001 "$D"
  chmod 700 "$D/secrets" "$D/stack-secrets"
else
  docker run --rm --network none --user 0 --entrypoint sh -v "$D:$D" "$image" \
    -c 'chown -R 10001:10001 "$0" && chmod 700 "$0/secrets" "$0/stack-secrets"' "$D"
fi
api_token="$(docker run --rm --network none -v "$D/secrets:/run/secrets:ro" --entrypoint cat "$image" /run/secrets/api-token)"
if [ -n "$api_token" ]; then
  pass "uid 10001 reads the secrets the install walk gives it (mode 600)"
else
  fail "uid 10001 reads the secrets the install walk gives it (mode 600)"
fi

# ---- the daemon ----------------------------------------------------------------------------------------------
run_daemon() {
  # As compose.yaml runs it (mode (a): API key over wss://, fingerprint pinned), with these differences: the NAS is
  # the emulator, the repository a read-only file:// mount, the port published on 127.0.0.1 only, the state a
  # named volume, health checked every 2 s and apps settled for 2 s instead of 30 s and 10 s (shorter test).
  docker run -d --name "$daemon" --network "$net" --pull never -p 127.0.0.1::8080 --stop-timeout "$grace" \
    --health-interval 2s --memory 256m \
    -v "$volume:/var/lib/truenas-gitops" -v "$repo:/srv/stacks.git:ro" \
    -v "$D/secrets:/run/secrets:ro" -v "$D/stack-secrets:/run/stack-secrets:ro" \
    -e TRUENAS_URL="wss://$emulator:8443" -e TRUENAS_USERNAME=gitops -e TRUENAS_API_KEY_FILE=/run/secrets/api-key \
    -e TRUENAS_TLS_FINGERPRINT="$fingerprint" \
    -e TRUENAS_GITOPS_GIT_URL=file:///srv/stacks.git -e TRUENAS_GITOPS_GIT_REF=main \
    -e TRUENAS_GITOPS_GIT_TOKEN_FILE=/run/secrets/git-token \
    -e TRUENAS_GITOPS_STACKS_SECRETS_DIR=/run/stack-secrets -e TRUENAS_GITOPS_API_TOKEN_FILE=/run/secrets/api-token \
    -e TRUENAS_GITOPS_WEBHOOK_SECRET_FILE=/run/secrets/webhook-secret \
    -e TRUENAS_GITOPS_RECONCILE_SELF_APP_NAME=truenas-gitops \
    -e TRUENAS_GITOPS_RECONCILE_SETTLE_TIME=2s -e TRUENAS_GITOPS_RECONCILE_HEALTH_POLL_INTERVAL=1s \
    "$image" >/dev/null
}
run_daemon || abort "the daemon container starts"
published="$(docker port "$daemon" 8080/tcp | head -n 1)"
addr="$published"
if [[ "$published" == 127.0.0.1:* ]]; then
  pass "the daemon's port is published on loopback only ($published)"
else
  fail "the daemon's port is published on loopback only" "docker port: $published"
fi

if wait_for 180 healthy && [ "$(health)" = healthy ]; then
  pass "the container becomes healthy (its HEALTHCHECK: /q/health/ready, Git fetched and the NAS logged in)"
else
  abort "the container becomes healthy" "health: $(health); $(daemon_logs)"
fi

if wait_for 240 passes_at_least 1 && metric_at_least 'truenas_gitops_reconcile_total{result="success"}' 1; then
  created="$(metric 'truenas_gitops_apply_total{action="create",result="applied"}' | cut -d. -f1)"
  calls="$(metric 'truenas_gitops_api_calls_total{method="app.create",outcome="ok"}' | cut -d. -f1)"
  # jellyfin is created, then stopped (its stack.yaml says state: stopped): one app.stop on top.
  if [ "$created" -eq "${#stacks[@]}" ] && [ "$calls" -eq "${#stacks[@]}" ]; then
    pass "the first pass creates the ${#stacks[@]} example stacks (/q/metrics: $created applied creates, $calls app.create calls)"
  else
    fail "the first pass creates the ${#stacks[@]} example stacks" "applied creates: $created, app.create calls: $calls"
  fi
else
  abort "the first pass succeeds" "$(daemon_logs)"
fi

# docs/install.md, step 5: checking it runs.
if curl -fsS "http://$addr/q/health/ready" >/dev/null; then
  pass "/q/health/ready answers 200 through the published port"
else
  fail "/q/health/ready answers 200 through the published port"
fi
scrape="$(curl -fsS "http://$addr/q/metrics")"
if grep -q '^truenas_gitops_stack_status{stack="traefik",status="healthy"} 1.0$' <<<"$scrape"; then
  pass "/q/metrics answers through the published port with the stacks' status"
else
  fail "/q/metrics answers through the published port with the stacks' status"
fi
listing="$(curl -fsS "http://$addr/api/v1/stacks")"
bad=""
declare -A applied_at
for s in "${stacks[@]}"; do
  one="$(stack_json "$listing" "$s")"
  applied_at[$s]="$(field "$one" lastAppliedAt)"
  if [ "$(field "$one" lastAction)" != create ] || [ "$(field "$one" ready)" != true ] || [ -z "${applied_at[$s]}" ]; then
    bad="$bad $s"
  fi
done
if [ -n "$listing" ] && [ -z "$bad" ]; then
  pass "/api/v1/stacks answers: every example stack created and ready"
else
  fail "/api/v1/stacks answers: every example stack created and ready" "not so:${bad:- (no answer)}"
fi
anonymous="$(curl -s -o /dev/null -w "%{http_code}" -X POST "http://$addr/api/v1/sync")"
with_token="$(curl -s -o /dev/null -w "%{http_code}" -X POST -H "Authorization: Bearer $api_token" "http://$addr/api/v1/sync")"
if [ "$anonymous" = 401 ] && [ "${with_token:0:1}" = 2 ]; then
  pass "POST /api/v1/sync needs the API token from the secrets (without: $anonymous, with: $with_token)"
else
  fail "POST /api/v1/sync needs the API token from the secrets" "without: $anonymous, with: $with_token"
fi

uids="$(docker exec "$daemon" awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/1/status 2>/dev/null)"
if [ "$uids" = "10001 10001 10001 10001" ]; then
  pass "the daemon (PID 1, java) runs as uid 10001"
else
  fail "the daemon (PID 1, java) runs as uid 10001" "Uid: $uids"
fi

state="$(docker run --rm --network none --entrypoint sh -v "$volume:/state:ro" "$image" \
  -c 'stat -c "%u:%g %n" /state/reconcile-state.json /state/git' 2>&1)"
if [ "$state" = "$(printf '10001:10001 /state/reconcile-state.json\n10001:10001 /state/git')" ]; then
  pass "the state (reconcile-state.json, the Git clone) is on the volume, owned by 10001"
else
  fail "the state (reconcile-state.json, the Git clone) is on the volume, owned by 10001" "$state"
fi

# ---- a graceful stop, and a new container resuming from the volume ----------------------------------------------
t=$SECONDS
docker stop -t "$grace" "$daemon" >/dev/null
stopped_in=$((SECONDS - t))
code="$(docker inspect -f '{{.State.ExitCode}}' "$daemon")"
# 143 = 128 + SIGTERM: the JVM ran its shutdown; 137 would be the SIGKILL at the end of the grace period.
if [ "$code" = 143 ] && docker logs "$daemon" 2>&1 | grep -q '"message":"truenas-gitops stopped in '; then
  pass "docker stop ends it gracefully (exit 143 after SIGTERM, 'truenas-gitops stopped', ${stopped_in} s of $grace)"
else
  fail "docker stop ends it gracefully" "exit code $code; $(daemon_logs 5)"
fi

docker rm "$daemon" >/dev/null
run_daemon || abort "a new daemon container starts on the same volume"
addr="$(docker port "$daemon" 8080/tcp | head -n 1)"
if wait_for 180 healthy && [ "$(health)" = healthy ] && wait_for 240 passes_at_least 1; then
  writes="$(write_calls)"
  nothing="$(metric 'truenas_gitops_reconcile_total{result="no_change"}' | cut -d. -f1)"
  listing="$(curl -fsS "http://$addr/api/v1/stacks")"
  moved=""
  for s in "${stacks[@]}"; do
    [ "$(field "$(stack_json "$listing" "$s")" lastAppliedAt)" = "${applied_at[$s]}" ] || moved="$moved $s"
  done
  if [ "$writes" -eq 0 ] && [ "$nothing" -ge 1 ] && [ -z "$moved" ]; then
    pass "a new container on the volume resumes from its state: its pass has nothing to change (0 writes), every stack's last apply kept"
  else
    fail "a new container on the volume resumes from its state without writes" \
      "writing calls: $writes; no_change passes: $nothing; last apply changed for:${moved:- none}; $(daemon_logs 10)"
  fi
else
  fail "a new container on the volume becomes healthy and passes" "$(daemon_logs)"
fi
