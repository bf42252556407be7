#!/usr/bin/env bash
# Installs the Debian packages a Sightline task needs, only when some are missing.
# Usage: ensure-system-packages.sh GROUP...   (groups: worker-build, record, test, interop, bench)
set -euo pipefail
# Progress and apt's own output go to stderr: callers (benches, CLIs) keep stdout for their report.
exec 1>&2

packages_for() {
  case "$1" in
    # WHIP interop tests: Debian's GStreamer WHIP client, and gcc for its libgupnp-igd stand-in (test/helpers/whip-client.ts).
    interop) echo "simple-whip-client gcc libc6-dev iproute2" ;;
    worker-build) echo "meson ninja-build pkg-config g++ python3 libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler liburing-dev" ;;
    # prometheus for promtool (alert rules in deploy/), systemd for systemd-analyze (the unit file).
    # The evidence recorder's muxer (gst-launch-1.0, splitmuxsink, matroskamux): `npm start` records too.
    record) echo "gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad" ;;
    # nftables: the lossy-link tests drop packets in their own router namespace (this kernel has no netem).
    test) echo "chromium redis-server coturn ffmpeg iproute2 util-linux nftables prometheus systemd gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad" ;;
    # Benchmarks: Janus is the reference SFU they measure Sightline against; GStreamer records (bench:recording).
    bench) echo "chromium ffmpeg iproute2 util-linux nftables janus gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad" ;;
    *) echo "unknown package group: $1" >&2; exit 2 ;;
  esac
}

wanted=()
for group in "$@"; do
  # Called on its own first: inside $(...) an unknown group's exit would only end the subshell.
  packages_for "$group" >/dev/null || exit 2
  for pkg in $(packages_for "$group"); do wanted+=("$pkg"); done
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "[sightline:system] missing Debian packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[sightline:system] apt-get is not available: install the packages above with your system's package manager." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[sightline:system] not running as root, so they cannot be installed here. Run:" >&2
  echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Packages such as redis-server, coturn and prometheus would start their daemons on install; the
# tests and the relay start their own instances, so none is started here (policy-rc.d says no).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
started=$SECONDS
echo "[sightline:system] apt-get update"
apt-get update -q
echo "[sightline:system] apt-get install ${missing[*]} (with their dependencies; a few minutes on a fresh machine)"
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "[sightline:system] installed ${missing[*]} in $((SECONDS - started)) s"
