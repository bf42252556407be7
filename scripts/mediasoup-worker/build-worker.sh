#!/usr/bin/env bash
# Builds mediasoup-worker VERSION from the npm tarball against Debian bookworm's system
# libraries, with no network access beyond the npm registry.
#
# Usage: build-worker.sh VERSION OUTPUT_BINARY
# Needs (apt): meson ninja-build pkg-config g++ python3 libssl-dev libuv1-dev libsrtp2-dev
#              libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler liburing-dev
set -euo pipefail
exec 1>&2 # build output is progress, never a result
VERSION=${1:?usage: build-worker.sh VERSION OUTPUT_BINARY}
OUTPUT=${2:?usage: build-worker.sh VERSION OUTPUT_BINARY}
RECIPE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sightline-worker-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step() { printf '[sightline:worker] %s\n' "$*"; }

step "fetching mediasoup@$VERSION from the npm registry"
(cd "$WORK" && npm pack "mediasoup@$VERSION" --silent >/dev/null)
mkdir -p "$WORK/src"
tar xzf "$WORK/mediasoup-$VERSION.tgz" -C "$WORK/src" --strip-components=1
cd "$WORK/src/worker"

step "patching meson.build to use Debian's libraries"
if grep -q "mki_index" src/RTC/SrtpSession.cpp; then
  # mediasoup >= 3.16 speaks the libsrtp 3 API: a shim header maps it onto libsrtp2.
  mkdir -p compat && cp "$RECIPE/srtp3-compat/srtp.h" compat/srtp.h
  python3 "$RECIPE/patch-meson-system-libs.py" . --srtp-compat-dir compat
else
  python3 "$RECIPE/patch-meson-system-libs.py" .
fi
python3 "$RECIPE/patch-sources.py" .

step "configuring (meson, no downloads)"
meson setup --prefix "$PWD/out/Release" --bindir "" --libdir "" --buildtype release -Db_ndebug=true \
  --wrap-mode=nodownload out/Release/build >"$WORK/meson.log" 2>&1 || { cat "$WORK/meson.log"; exit 1; }
step "generating flatbuffers headers"
meson compile -C out/Release/build flatbuffers-generator >"$WORK/flatc.log" 2>&1 || { cat "$WORK/flatc.log"; exit 1; }
step "compiling mediasoup-worker with $(nproc) jobs (about 5 minutes on 2 cores)"
if ! ninja -C out/Release/build -j"$(nproc)" mediasoup-worker 2>&1 | tee "$WORK/ninja.log" \
    | awk 'NR % 25 == 0 { print "[sightline:worker]   " $0; fflush() }'; then
  tail -n 60 "$WORK/ninja.log"
  step "compilation failed (full log above)"
  exit 1
fi

mkdir -p "$(dirname "$OUTPUT")"
cp out/Release/build/mediasoup-worker "$OUTPUT.partial"
mv "$OUTPUT.partial" "$OUTPUT"
step "built $OUTPUT"
