#!/usr/bin/env bash
# Makes a Docker Engine available to CI and prints, as its only line on stdout, the DOCKER_HOST to use:
#   export "$(.ci/docker-engine.sh)"
# Reuses an engine that already answers ($DOCKER_HOST, then this script's socket, then /var/run/docker.sock).
# Otherwise, as root: installs what is missing of docker.io, docker-compose, busybox-static, debootstrap and
# docker-registry (the pull tests start it on 127.0.0.1 themselves; its own service is kept from starting) with
# apt-get, and starts dockerd with its own socket, data and exec roots, so it never touches another engine's:
#   socket     unix:///run/truenas-gitops-ci/docker.sock   (pid file next to it)
#   data root  /var/lib/truenas-gitops-ci/docker           (vfs: works on any file system, inside containers too)
#   log        /var/log/truenas-gitops-ci-dockerd.log
# --iptables=false: no NAT to the outside, and the host's firewall rules stay as they are; ports published on
# 127.0.0.1 still work (docker-proxy). The engine outlives the script; stop it with
#   kill "$(cat /run/truenas-gitops-ci/docker.pid)"
# On a machine where an engine already runs, point DOCKER_HOST at it (it is reused): a second dockerd shares that
# engine's docker0 bridge, and one started with --bridge=none deletes docker0 for both.
# No registry off this machine is ever contacted: the tests build or import every image they run, and push to and
# pull from a registry they start on 127.0.0.1 only.
set -euo pipefail
run_dir=/run/truenas-gitops-ci
data_dir=/var/lib/truenas-gitops-ci/docker
log=/var/log/truenas-gitops-ci-dockerd.log
own="unix://$run_dir/docker.sock"

say() { echo "docker-engine: $*" >&2; }
answers() { command -v docker >/dev/null && DOCKER_HOST="$1" timeout 20 docker info >/dev/null 2>&1; }
# Debian's docker-registry, for the tests that pull from a registry on 127.0.0.1. Its package would start a
# registry on :5000 (every address): a policy-rc.d keeps any service from starting while it is installed.
registry() {
  [ -x /usr/bin/docker-registry ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "warning: /usr/bin/docker-registry is missing (apt-get install docker-registry): the registry pull tests fail under CI=true"
    return 0
  fi
  say "installing docker-registry"
  local policy=/usr/sbin/policy-rc.d own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >&2; } \
    || say "warning: could not install docker-registry"
  [ -n "$own_policy" ] && rm -f "$policy"
  return 0
}

for candidate in ${DOCKER_HOST:-} "$own" unix:///var/run/docker.sock; do
  if answers "$candidate"; then
    registry
    say "reusing the engine at $candidate ($(DOCKER_HOST="$candidate" docker version -f '{{.Server.Version}}' 2>/dev/null))"
    echo "DOCKER_HOST=$candidate"
    exit 0
  fi
done

if [ "$(id -u)" -ne 0 ]; then
  say "no Docker Engine answers and starting one needs root: run this as root, or start Docker and set DOCKER_HOST"
  exit 1
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || missing+=(busybox-static)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
registry
if [ "${#missing[@]}" -gt 0 ]; then
  # A package manager may have started the system's own engine: use it rather than start a second one.
  if answers unix:///var/run/docker.sock; then
    say "reusing the engine the docker.io package started"
    echo "DOCKER_HOST=unix:///var/run/docker.sock"
    exit 0
  fi
fi

if [ -e /sys/class/net/docker0 ]; then
  say "warning: docker0 exists, so another engine may run here: the new one shares its bridge (and its addresses);"
  say "point DOCKER_HOST at the running engine instead, if you can"
fi
mkdir -p "$run_dir" "$data_dir" "$(dirname "$log")"
say "starting dockerd ($own, log $log)"
setsid nohup dockerd --iptables=false --ip6tables=false --storage-driver=vfs \
  --data-root "$data_dir" --exec-root "$run_dir/exec" --pidfile "$run_dir/docker.pid" \
  -H "$own" </dev/null >>"$log" 2>&1 &

for _ in $(seq 1 60); do
  if answers "$own"; then
    say "engine $(DOCKER_HOST="$own" docker version -f '{{.Server.Version}}') answers"
    echo "DOCKER_HOST=$own"
    exit 0
  fi
  sleep 1
done
tail -n 30 "$log" >&2
say "dockerd did not answer on $own within 60 s (its log is above)"
exit 1
