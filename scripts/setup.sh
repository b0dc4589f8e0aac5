#!/usr/bin/env bash
# Installs and starts what evalbox needs on a Debian machine; each step is skipped when already
# done. Usage: scripts/setup.sh [--quiet-if-ready] [STEP...]  with STEP among
#   docker      Debian's docker.io, dockerd started
#   image       the sandbox image (offline bootstrap when no registry answers)
#   host-python Python packages on this machine for the local backend, the Jupyter tools
#               (jupyter_client, ipykernel, jupyter_kernel_test, jupyter console, nbclient) and the
#               HumanEval-V bench anchor (pylint)
#   chromium    Debian's Chromium (reports are checked in it; ArtifactsBench renders with it), and
#               as root the user evalbox-browser that renders pages
# No STEP means all of them. Where a step cannot run (no root, no apt), it says what to do.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
quiet=0
steps=()
for a in "$@"; do
  case "$a" in
    --quiet-if-ready) quiet=1 ;;
    docker|image|host-python|chromium) steps+=("$a") ;;
    *) echo "usage: $0 [--quiet-if-ready] [docker|image|host-python|chromium]..." >&2; exit 2 ;;
  esac
done
[ ${#steps[@]} -gt 0 ] || steps=(docker image host-python chromium)
log() { [ "$quiet" -eq 1 ] || echo "[setup] $*" >&2; }
can_root() { [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
export PATH="/usr/bin:/usr/sbin:$PATH"

for step in "${steps[@]}"; do
  case "$step" in
    docker)
      if timeout 10 docker info >/dev/null 2>&1; then log "docker: engine answers"; continue; fi
      "$root/scripts/ensure-docker.sh"
      ;;
    image)
      hash="$(cat "$root/images/python/packages.txt" "$root/images/python/setup-rootfs.sh" "$root/images/python/Dockerfile" | sha256sum | cut -c1-12)"
      if docker image inspect "evalbox/python:$hash" >/dev/null 2>&1; then
        docker tag "evalbox/python:$hash" evalbox/python:latest
        log "image: evalbox/python:$hash is built"; continue
      fi
      if ! can_root; then
        echo "[setup] the sandbox image evalbox/python:$hash is missing and building it offline needs root: run 'sudo $root/images/python/build.sh'" >&2
        exit 3
      fi
      echo "[setup] building the sandbox image evalbox/python:$hash (about 10 minutes the first time)" >&2
      as_root "$root/images/python/build.sh" >/dev/null
      ;;
    chromium)
      # as root, ensure-chromium.sh also creates the user Chromium runs as (evalbox-browser)
      if [ -x "${EVALBOX_CHROMIUM:-/usr/bin/chromium}" ] && { [ "$(id -u)" -ne 0 ] || id -u evalbox-browser >/dev/null 2>&1; }; then
        log "chromium: installed"; continue
      fi
      "$root/scripts/ensure-chromium.sh"
      ;;
    host-python)
      pkgs=(python3 python3-ipython python3-matplotlib-inline python3-numpy python3-pandas python3-matplotlib python3-pil
            python3-jupyter-client python3-ipykernel python3-jupyter-kernel-test jupyter-console python3-nbclient python3-nbformat
            pylint)
      missing=()
      for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
      if [ ${#missing[@]} -eq 0 ]; then log "host-python: packages present"; continue; fi
      if ! can_root || ! command -v apt-get >/dev/null; then
        echo "[setup] missing Debian packages for the local backend: ${missing[*]}; install them with apt-get as root" >&2
        exit 3
      fi
      echo "[setup] installing ${missing[*]}" >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
      ;;
  esac
done
