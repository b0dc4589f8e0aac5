#!/usr/bin/env bash
# Makes sure Chromium is where evalbox runs it (/usr/bin/chromium: ArtifactsBench renders pages in it,
# the report tests load reports in it): installs Debian's chromium (and CJK fonts, for the Chinese
# pages ArtifactsBench has) when it is missing, as ensure-docker.sh installs the Docker engine: as
# root, or through sudo when it needs no password; otherwise it says what to run, and exits 3.
# As root it also creates the system user evalbox-browser: evalbox run as root renders pages with
# Chromium as that user, so that Chromium's own sandbox is on (docs/artifactsbench.md, "Isolation");
# without it evalbox falls back to nobody. Not needed when evalbox runs as another user.
# It also installs Debian's chromium-headless-shell (same source package and version as chromium),
# which evalbox renders pages in when it is there: the same screenshots for about a third of the CPU
# (docs/artifactsbench.md, "Browser"); without it evalbox renders in Chromium, so failing to install
# it only says so. Idempotent; safe to re-run. EVALBOX_CHROMIUM and EVALBOX_HEADLESS_SHELL name other
# paths to check (the tests use them to take each branch on a machine where Chromium is installed).
set -euo pipefail

chromium="${EVALBOX_CHROMIUM:-/usr/bin/chromium}"
headless_shell="${EVALBOX_HEADLESS_SHELL:-/usr/lib/chromium/chromium-headless-shell}"
packages=(chromium chromium-headless-shell fonts-noto-cjk)
browser_user=evalbox-browser

log() { echo "[ensure-chromium] $*" >&2; }

# The user Chromium runs as when evalbox is root: no home, no shell, no password, a group of its own.
ensure_browser_user() {
  [ "$EUID" -eq 0 ] || return 0
  if ! command -v id >/dev/null || ! command -v useradd >/dev/null; then
    log "cannot create the user $browser_user here (no id or useradd on PATH): evalbox will run Chromium as nobody"
    return 0
  fi
  if id -u "$browser_user" >/dev/null 2>&1; then return 0; fi
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --comment "evalbox renders model-written pages" "$browser_user" \
    || { log "useradd $browser_user failed (see above): evalbox will run Chromium as nobody"; return 0; }
  log "created the system user $browser_user (Chromium runs as it when evalbox is root)"
}

# The headless shell next to an installed Chromium (a machine set up before evalbox used it): best effort.
ensure_headless_shell() {
  [ -x "$headless_shell" ] && return 0
  local hint="evalbox renders in Chromium meanwhile; 'apt-get install chromium-headless-shell' as root renders the same pages for less CPU"
  if ! command -v apt-get >/dev/null; then log "chromium-headless-shell is missing ($headless_shell) and there is no apt-get: $hint"; return 0; fi
  local run
  if [ "$EUID" -eq 0 ]; then run=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then run=(sudo -n)
  else log "chromium-headless-shell is missing ($headless_shell): $hint"; return 0; fi
  log "installing Debian's chromium-headless-shell"
  if ! DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends chromium-headless-shell >/dev/null; then
    DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends chromium-headless-shell >/dev/null \
      || { log "apt-get install chromium-headless-shell failed (see above): $hint"; return 0; }
  fi
  [ -x "$headless_shell" ] || log "apt-get installed chromium-headless-shell but $headless_shell is missing: $hint"
}

if [ -x "$chromium" ]; then
  log "Chromium is installed ($chromium)"
  ensure_headless_shell
  ensure_browser_user
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
  ensure_browser_user
else
  log "apt-get installed ${packages[*]} but $chromium is still missing; install Chromium so that $chromium runs it"
  exit 4
fi
