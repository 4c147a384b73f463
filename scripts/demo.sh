#!/usr/bin/env bash
# demo.sh: what `make demo` runs. PREVIEW until the attribution issue (#4) lands: then the demo
# will attribute a real program to the family and actor it shares code with. Until then it
# shows the first stage only: `kin info` on real, benign Windows and Linux binaries fetched from
# the npm registry (bufferutil, a tiny C addon of the `ws` WebSocket library: about 160 KB).
# Usage: scripts/demo.sh [KIN]   (default build/release/kin, as `make demo` builds it)
set -euo pipefail
cd "$(dirname "$0")/.."
KIN=${1:-build/release/kin}
PKG=bufferutil@4.0.8

[ -x "$KIN" ] || { echo "demo: $KIN not built (run make demo, or make build)" >&2; exit 2; }
if ! command -v npm >/dev/null; then
  # npm is needed by the demo only, so scripts/install-deps.sh (what CI runs) leaves it out.
  echo "demo: installing npm (apt-get install npm) ..." >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat <<'TXT'
==============================================================================================
 kin demo: PREVIEW. Attribution ("which known family and actor does this share code with")
 arrives with issue #4. Until then this shows the loader: `kin info` on a real program.
==============================================================================================
TXT
echo "fetching $PKG from the npm registry (npm pack) ..."
npm pack "$PKG" --pack-destination "$work" --silent >/dev/null
tar -xzf "$work"/bufferutil-*.tgz -C "$work" package/prebuilds
pe=$work/package/prebuilds/win32-x64/node.napi.node
elf=$work/package/prebuilds/linux-x64/node.napi.node

rc=0
echo
echo "\$ kin info prebuilds/win32-x64/node.napi.node    # a Windows x64 DLL (Node addon)"
"$KIN" info "$pe" | sed "s|$work/package/||" || rc=$?
echo
echo "\$ kin info --json prebuilds/linux-x64/node.napi.node | jq '{format, arch, bits, sha256, tlsh_t1, ssdeep, elf: .elf | {type, needed, soname}}'"
"$KIN" info --json "$elf" | sed "s|$work/package/||" |
  if command -v jq >/dev/null; then
    jq '{format, arch, bits, sha256, tlsh_t1, ssdeep, elf: (.elf // {} | {type, needed, soname})}'
  else
    cat
  fi || rc=$?
echo
echo "(preview: \`kin funcs\` and \`kin diff\` (issue #3) compare functions today; attribution"
echo " against an index of known families and actors is issue #4; see README.md)"
exit $rc
