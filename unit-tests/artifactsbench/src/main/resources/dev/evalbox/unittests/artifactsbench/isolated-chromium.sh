#!/bin/sh
# What Playwright starts in place of Chromium (BrowserIsolation.java writes it out and names it as the
# executable). It gives Chromium a network namespace of its own, whose only interface is a loopback
# that stays down, so no page reaches any address (the host's loopback, the LAN, the internet) by
# any web API; and, as root, it runs Chromium as an unprivileged user so that Chromium's own sandbox
# is on. Playwright talks to the browser over fds 3 and 4 (--remote-debugging-pipe), which pass
# through each exec and fork below. Chromium also gets a PID namespace of its own, of which it is
# the first process: every process it starts (renderers, the GPU process, the crash handler that
# detaches itself) ends with it. The CPU time the kernel counts to it goes to its parent, the unshare
# that waits for it, and so to this shell, which waits for that and writes it down (cpu.PID, from the
# shell's `times`); that leaves out what the processes the namespace's end kills used (the kernel
# reaps them uncounted), so evalbox's bench reads each process's time from /proc.
set -eu
chromium=${EVALBOX_CHROMIUM:?}
pidfile=${EVALBOX_BROWSER_PIDFILE:?}
user=${EVALBOX_BROWSER_USER:-}
unset EVALBOX_CHROMIUM EVALBOX_BROWSER_PIDFILE EVALBOX_BROWSER_USER

profile=
for arg in "$@"; do
  case $arg in
    --user-data-dir=*) profile=${arg#--user-data-dir=} ;;
    --no-sandbox) echo "evalbox: refusing to start Chromium with --no-sandbox" >&2; exit 2 ;;
  esac
done
if [ -z "$profile" ] || [ ! -d "$profile" ]; then
  echo "evalbox: Playwright named no profile directory (--user-data-dir)" >&2
  exit 2
fi
# Chromium's own files (caches, fontconfig's) go into the profile, which Playwright deletes when the
# browser has gone; nothing is written to the caller's home. (Not TMPDIR: Chromium's singleton socket
# lives there, and a Unix socket's path may not be longer than 107 bytes.)
export HOME="$profile" XDG_CONFIG_HOME="$profile" XDG_CACHE_HOME="$profile"
# D-Bus is a Unix socket, which a network namespace does not cut: nothing a page renders needs it.
export DBUS_SESSION_BUS_ADDRESS=disabled: DBUS_SYSTEM_BUS_ADDRESS=disabled:
cd /
echo $$ > "$pidfile"
cpufile="${pidfile%/*}/cpu.$$"

# Runs the browser as this shell's child, then records the CPU time of everything it ran (`times`, whose
# second line is the user and system time of this shell's children) and exits as the browser did.
run() {
  status=0
  "$@" || status=$?
  # (not in a pipeline: its parts run in subshells, whose children are none of these)
  times > "$cpufile.tmp" && mv "$cpufile.tmp" "$cpufile"
  exit "$status"
}

if [ "$(id -u)" -eq 0 ]; then
  if [ -z "$user" ]; then echo "evalbox: no unprivileged user to run Chromium as" >&2; exit 2; fi
  group=$(id -g "$user")
  # Playwright made the profile as root (mode 0700): it becomes the browser user's
  chown -R "$user:$group" "$profile"
  if ! setpriv --reuid="$user" --regid="$group" --clear-groups -- test -w "$profile"; then
    echo "evalbox: $user cannot reach Chromium's profile $profile: Playwright makes it in the temporary directory" \
      "(TMPDIR), whose parents must let other users pass (as /tmp does)" >&2
    exit 2
  fi
  # --net and --ipc as root, then the unprivileged user with no capabilities left to gain; Chromium's
  # sandbox then makes its own user, PID and network namespaces for each renderer inside this one.
  run unshare --net --ipc --pid --fork --kill-child -- setpriv --reuid="$user" --regid="$group" --clear-groups \
    --no-new-privs --inh-caps=-all --bounding-set=-all -- "$chromium" "$@"
else
  # Without root, a user namespace that maps this user to itself (not to root: Chromium will not sandbox
  # itself as uid 0) is what lets an unprivileged process make the network namespace.
  run unshare --user --map-current-user --net --ipc --pid --fork --kill-child -- "$chromium" "$@"
fi
