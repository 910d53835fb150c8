#!/usr/bin/env bash
# Builds a Java 17 runtime image from Debian bookworm's packages, for machines that reach no container registry
# (CI, an offline build host): debootstrap (minbase) with openjdk-17-jre-headless, curl and ca-certificates,
# trimmed of package caches and documentation, then `docker import`. It offers what the Dockerfile needs of its
# BASE_IMAGE: java, sh, curl, groupadd and useradd. Nothing is pulled from a registry; the packages come from the
# Debian mirror apt uses (or DEBIAN_MIRROR).
#   deploy/local-base-image.sh [IMAGE]    (default IMAGE: truenas-gitops-base:bookworm-jre17; as root)
#   docker build --build-arg BASE_IMAGE=truenas-gitops-base:bookworm-jre17 -t truenas-gitops .
# Exit 0 with the image built, 1 on any failure (nothing is left behind but the image).
set -euo pipefail
image="${1:-truenas-gitops-base:bookworm-jre17}"

if [ "$(id -u)" -ne 0 ]; then
  echo "local-base-image: debootstrap needs root: run it with sudo (or as root)" >&2
  exit 1
fi
for tool in debootstrap docker tar; do
  if ! command -v "$tool" >/dev/null; then
    echo "local-base-image: '$tool' is missing: apt-get install -y debootstrap docker.io (.ci/docker-engine.sh does)" >&2
    exit 1
  fi
done

# The Debian mirror apt already uses (deb822 "URIs:" or one-line "deb" entries), so that a machine with a local
# mirror or proxy keeps using it.
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$({ cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } \
    | sed -nE 's#^(URIs:[[:space:]]*|deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)(https?://[^[:space:]]*/debian/?)([[:space:]].*)?$#\3#p' \
    | head -n 1)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d /var/tmp/truenas-gitops-base.XXXXXX)"
root="$work/rootfs"
cleanup() {
  # debootstrap mounts proc and sys inside the tree; never delete through a mount.
  umount "$root/proc" "$root/sys" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "local-base-image: debootstrap bookworm from $mirror"
if ! debootstrap --variant=minbase --include=openjdk-17-jre-headless,curl,ca-certificates \
    bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  echo "local-base-image: debootstrap failed (log above): check that $mirror answers (apt-get update)" >&2
  exit 1
fi
umount "$root/proc" "$root/sys" 2>/dev/null || true
# Package caches, indexes and documentation: about 200 MB nobody in the container needs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log

tar --numeric-owner -C "$root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . \
  | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["bash"]' \
      --message "debootstrap bookworm minbase + openjdk-17-jre-headless curl ca-certificates ($mirror)" \
      - "$image" >/dev/null
echo "local-base-image: $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1 / 1000000}'))"
