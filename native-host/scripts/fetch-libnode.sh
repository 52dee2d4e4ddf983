#!/usr/bin/env bash
# Fetches Debian's libnode108 + libnode-dev (embedded V8 10.2, plain V8 API) into a build-local prefix,
# native-host/.deps/libnode, with `apt-get download` + `dpkg -x`: apt refuses to install them next to a
# NodeSource node, and the plugin only needs the shared library and the headers. Shared-library
# dependencies that are not installed on this machine (e.g. libc-ares2) are unpacked there too.
# Idempotent: does nothing when the prefix is complete. No stdin needed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$here/.deps/libnode"
stamp="$prefix/.complete"
if [ -f "$stamp" ]; then
  echo "libnode: already in $prefix"
  exit 0
fi
rm -rf "$prefix" "$here/.deps/debs"
mkdir -p "$prefix" "$here/.deps/debs"
cd "$here/.deps/debs"
pkgs=(libnode108 libnode-dev)
# libnode108's shared-library dependencies that this machine lacks.
for dep in libbrotli1 libc-ares2 libicu72 libnghttp2-14 libssl3 libuv1 zlib1g; do
  dpkg -s "$dep" >/dev/null 2>&1 || pkgs+=("$dep")
done
if ! apt-get download "${pkgs[@]}" 2>/dev/null; then
  apt-get update -qq
  apt-get download "${pkgs[@]}"
fi
for deb in ./*.deb; do dpkg -x "$deb" "$prefix"; done
lib="$prefix/usr/lib/x86_64-linux-gnu"
[ -e "$lib/libnode.so.108" ] || { echo "libnode: libnode.so.108 missing after unpacking" >&2; exit 1; }
[ -e "$prefix/usr/include/node/v8.h" ] || { echo "libnode: v8.h missing after unpacking" >&2; exit 1; }
[ -e "$lib/libnode.so" ] || ln -sf libnode.so.108 "$lib/libnode.so"
touch "$stamp"
echo "libnode: unpacked ${pkgs[*]} into $prefix"
