#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io when dockerd is
# missing and starts dockerd in the background when nothing answers. Idempotent; safe to re-run.
set -euo pipefail

log() { echo "[ensure-docker] $*" >&2; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null && engine_answers; then
  log "Docker engine answers"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else
    log "need root to $* ; run as root, or install docker.io (apt-get install docker.io) and start dockerd, then re-run"
    exit 3
  fi
}

if ! command -v dockerd >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    log "no dockerd and no apt-get: install a Docker engine (https://docs.docker.com/engine/install/) and re-run"
    exit 3
  fi
  log "installing Debian's docker.io (dockerd, containerd, runc)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi

# Debian's package puts the engine's client in /usr/bin; prefer it when another client shadows it.
export PATH="/usr/bin:/usr/sbin:$PATH"

if ! engine_answers; then
  log "starting dockerd in the background (log: /var/log/evalbox-dockerd.log)"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    as_root systemctl start docker || true
  fi
  if ! engine_answers; then
    as_root sh -c 'nohup dockerd >/var/log/evalbox-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 1
  done
fi

if engine_answers; then
  log "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
else
  log "dockerd did not answer within 60 s; see /var/log/evalbox-dockerd.log"
  exit 4
fi
