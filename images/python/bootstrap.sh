#!/usr/bin/env bash
# Builds the evalbox sandbox image without any registry: debootstrap a Debian bookworm root from
# the mirror this machine's apt already uses, install packages.txt, run setup-rootfs.sh, and
# `docker import` the result. Usage: bootstrap.sh IMAGE_TAG [EXTRA_TAG...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "[image-bootstrap] $*" >&2; }
[ $# -ge 1 ] || { echo "usage: $0 IMAGE_TAG [EXTRA_TAG...]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { log "debootstrap needs root: re-run as root (sudo $0 $*)"; exit 3; }

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

# First http(s) URI of the machine's apt sources that serves the given suite (deb822 or one-line).
mirror_for() {
  local suite="$1"
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v s="$suite" 'BEGIN{RS=""} {u="";ok=0;en=1
        n=split($0,L,"\n"); for(i=1;i<=n;i++){
          if(L[i] ~ /^URIs:/){sub(/^URIs:[ \t]*/,"",L[i]); split(L[i],U," "); u=U[1]}
          if(L[i] ~ /^Suites:/){m=split(L[i],S,/[ \t]+/); for(j=2;j<=m;j++) if(S[j]==s) ok=1}
          if(L[i] ~ /^Enabled:[ \t]*no/) en=0 }
        if(ok && en && u!="") print u}' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk -v s="$suite" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==s) print $i }' "$f"
    done
  } | grep -E '^https?://' | head -n1
}

main_mirror="$(mirror_for bookworm)"
security_mirror="$(mirror_for bookworm-security)"
[ -n "$main_mirror" ] || { log "no apt source for Debian bookworm found in /etc/apt; add one (see sources.list(5))"; exit 3; }
log "mirror: $main_mirror ${security_mirror:+(security: $security_mirror)}"

work="$(mktemp -d /var/tmp/evalbox-rootfs.XXXXXX)"
trap 'umount -l "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
root="$work/rootfs"

log "debootstrap (minbase) into $root"
debootstrap --variant=minbase bookworm "$root" "$main_mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

{
  echo "deb $main_mirror bookworm main"
  echo "deb $main_mirror bookworm-updates main"
  [ -n "$security_mirror" ] && echo "deb $security_mirror bookworm-security main"
} >"$root/etc/apt/sources.list"
cp "$here/packages.txt" "$here/setup-rootfs.sh" "$root/tmp/"
mount -t proc proc "$root/proc"
packages="$(grep -v '^#' "$here/packages.txt" | tr '\n' ' ')"
log "installing packages (this takes several minutes)"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages >/tmp/apt.log 2>&1 || { tail -n 40 /tmp/apt.log; exit 1; }"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 sh /tmp/setup-rootfs.sh
umount "$root/proc"
rm -f "$root/tmp/packages.txt" "$root/tmp/setup-rootfs.sh" "$root/tmp/apt.log"

log "importing as $1"
tar -C "$root" --numeric-owner -cf - . | docker import \
  --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
  --change 'ENV MPLCONFIGDIR=/tmp/matplotlib' --change 'ENV IPYTHONDIR=/tmp/ipython' \
  --change 'ENV XDG_CACHE_HOME=/tmp/cache' --change 'ENV HOME=/work' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'USER 1000:1000' --change 'WORKDIR /work' --change 'CMD ["python3"]' \
  --change 'LABEL org.opencontainers.image.title=evalbox-python' \
  - "$1" >/dev/null
first="$1"; shift
for tag in "$@"; do docker tag "$first" "$tag"; done
log "done: $first $*"
