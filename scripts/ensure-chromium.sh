#!/usr/bin/env bash
# Makes sure Chromium is where evalbox runs it (/usr/bin/chromium: ArtifactsBench renders pages in it,
# the report tests load reports in it): installs Debian's chromium (and CJK fonts, for the Chinese
# pages ArtifactsBench has) when it is missing, as ensure-docker.sh installs the Docker engine: as
# root, or through sudo when it needs no password; otherwise it says what to run, and exits 3.
# Idempotent; safe to re-run. EVALBOX_CHROMIUM names another path to check (the tests use it to
# take each branch on a machine where Chromium is installed).
set -euo pipefail

chromium="${EVALBOX_CHROMIUM:-/usr/bin/chromium}"
packages=(chromium fonts-noto-cjk)

log() { echo "[ensure-chromium] $*" >&2; }

if [ -x "$chromium" ]; then
  log "Chromium is installed ($chromium)"
  exit 0
fi

# Checked before root: without apt-get, root would not help.
if ! command -v apt-get >/dev/null; then
  log "Chromium is missing ($chromium) and there is no apt-get: install Chromium with this system's package manager so that $chromium runs it, then re-run"
  exit 3
fi

if [ "$EUID" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root() { sudo -n "$@"; }
else
  log "Chromium is missing ($chromium) and installing it needs root: run 'apt-get install ${packages[*]}' as root (or with sudo), then re-run"
  exit 3
fi

log "installing Debian's ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: the install is tried again after an update.
if ! as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
  as_root apt-get update -qq || { log "apt-get update failed (see above); fix the package sources, then re-run"; exit 4; }
  as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || { log "apt-get install ${packages[*]} failed (see above)"; exit 4; }
fi

if [ -x "$chromium" ]; then
  log "Chromium is installed ($chromium)"
else
  log "apt-get installed ${packages[*]} but $chromium is still missing; install Chromium so that $chromium runs it"
  exit 4
fi
