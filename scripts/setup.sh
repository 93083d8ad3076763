#!/usr/bin/env bash
# Installs everything n4a needs on a fresh Debian machine. Idempotent: a second
# run checks and does nothing. Debian packages via apt-get (one `apt-get update`
# at most), DuckDB's shared library and C header via `npm pack`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(cmake g++ make pkg-config
      nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libssl-dev libzip-dev
      libeigen3-dev libfmt-dev libgtest-dev libbenchmark-dev libtcmalloc-minimal4
      python3-numpy python3-scipy python3-sklearn)

missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes with the machine's Node.js; Debian's npm only when there is none.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# DuckDB: libduckdb.so 1.5.6 (node bindings package) and duckdb.h 1.4.4 (duckdb package).
DUCK=third_party/duckdb
DUCK_LIB_VERSION=1.5.6-r.1
DUCK_HEADER_VERSION=1.4.4
case "$(uname -m)" in
  x86_64) DUCK_PKG=@duckdb/node-bindings-linux-x64 ;;
  aarch64|arm64) DUCK_PKG=@duckdb/node-bindings-linux-arm64 ;;
  *) echo "setup: no DuckDB binary package for $(uname -m)" >&2; exit 1 ;;
esac
stamp="$DUCK/.stamp-$DUCK_LIB_VERSION-$DUCK_HEADER_VERSION"
if [ ! -f "$stamp" ]; then
  echo "setup: fetching DuckDB $DUCK_LIB_VERSION (library) and $DUCK_HEADER_VERSION (header) from npm"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$DUCK_PKG@$DUCK_LIB_VERSION" "duckdb@$DUCK_HEADER_VERSION" >/dev/null)
  mkdir -p "$tmp/lib" "$tmp/hdr"
  tar -xzf "$tmp"/duckdb-node-bindings-linux-*.tgz -C "$tmp/lib" package/libduckdb.so
  tar -xzf "$tmp/duckdb-$DUCK_HEADER_VERSION.tgz" -C "$tmp/hdr" package/src/duckdb/src/include/duckdb.h
  rm -rf "$DUCK" && mkdir -p "$DUCK/lib" "$DUCK/include"
  mv "$tmp/lib/package/libduckdb.so" "$DUCK/lib/"
  mv "$tmp/hdr/package/src/duckdb/src/include/duckdb.h" "$DUCK/include/"
  touch "$stamp"
fi
echo "setup: ok"
