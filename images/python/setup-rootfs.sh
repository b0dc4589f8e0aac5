#!/bin/sh
# Runs inside the image's root file system (chroot or Dockerfile RUN) after the packages are in:
# creates the unprivileged user, the work dir, and warms caches that would otherwise be rebuilt
# at every sandbox start on a read-only root.
set -eu
groupadd --gid 1000 sandbox
useradd --uid 1000 --gid 1000 --home-dir /work --no-create-home --shell /bin/bash sandbox
mkdir -p /work /opt/evalbox
chown 1000:1000 /work
fc-cache -f >/dev/null 2>&1 || true
# Matplotlib's font list takes seconds to build with the CJK fonts; build it once here and let
# the driver copy it to the writable MPLCONFIGDIR at start.
MPLCONFIGDIR=/opt/evalbox/matplotlib python3 -c "import matplotlib.font_manager" >/dev/null 2>&1
chmod -R a+rX /opt/evalbox
rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /root/.cache
