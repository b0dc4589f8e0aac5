#!/usr/bin/env bash
# Builds the sandbox image if the engine lacks it and tags it evalbox/python:<content hash> and
# evalbox/python:latest. Tries `docker build` (needs a registry) first unless --offline, then
# falls back to the offline bootstrap. Prints the hash tag on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${EVALBOX_IMAGE_REPO:-evalbox/python}"
offline=0; force=0
for a in "$@"; do
  case "$a" in
    --offline) offline=1 ;;
    --force) force=1 ;;
    *) echo "usage: $0 [--offline] [--force]" >&2; exit 2 ;;
  esac
done
# The hash covers what decides the image's content; keep in sync with ImageDefinition.java.
hash="$(cat "$here/packages.txt" "$here/setup-rootfs.sh" "$here/Dockerfile" | sha256sum | cut -c1-12)"
tag="$repo:$hash"
if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  docker tag "$tag" "$repo:latest"
  echo "[image] $tag is already built" >&2
  echo "$tag"; exit 0
fi
if [ "$offline" -eq 0 ] && timeout 600 docker build -q -t "$tag" "$here" >&2 2>/dev/null; then
  echo "[image] built $tag with docker build" >&2
else
  [ "$offline" -eq 1 ] || echo "[image] docker build failed (no registry?); building offline with debootstrap" >&2
  "$here/bootstrap.sh" "$tag"
fi
docker tag "$tag" "$repo:latest"
echo "$tag"
