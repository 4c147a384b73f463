#!/usr/bin/env bash
# demo.sh: what `make demo` runs. Fetches a small part of the real npm corpus of bench/ (benign
# Windows binaries: the packages of scripts/demo-corpus.tsv, about 10 MB, with `npm pack`),
# indexes the older versions of four families with their family, actor and version, then
# attributes the held-back newest versions and one program of an actor the index has never
# seen, and prints kin's reports. Nothing is executed; everything stays in a temporary
# directory (KIN_DEMO_DIR to choose it and keep it).
# Usage: scripts/demo.sh [KIN]   (default build/release/kin, as `make demo` builds it)
set -euo pipefail
cd "$(dirname "$0")/.."
KIN=${1:-build/release/kin}
SPEC=scripts/demo-corpus.tsv
JOBS=${JOBS:-4}

[ -x "$KIN" ] || { echo "demo: $KIN not built (run make demo, or make build)" >&2; exit 2; }
if ! command -v npm >/dev/null; then
  # npm is needed by the demo only, so scripts/install-deps.sh (what CI runs) leaves it out.
  echo "demo: installing npm (apt-get install npm) ..." >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

if [ -n "${KIN_DEMO_DIR:-}" ]; then
  work=$KIN_DEMO_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/tgz" "$work/files"
export npm_config_cache=$work/.npm npm_config_update_notifier=false npm_config_fund=false
export npm_config_audit=false npm_config_loglevel=error
start=$SECONDS

cat <<'TXT'
==============================================================================================
 kin demo: which known family and actor does a binary share code with, and how sure is kin?
 Index: older versions of lmdb, leveldown, parcel-watcher and 7-Zip (real Windows programs
 from npm). Attributed: their newest versions, and bufferutil, whose family and actor the
 index has never seen: it shares only the MSVC C runtime with the index, so kin must abstain.
==============================================================================================
TXT

# 1. Fetch each package@version once (npm pack: the registry's tarball, nothing installed).
spec=$(grep -v '^#' "$SPEC" | grep -v '^[[:space:]]*$')
echo "fetching $(echo "$spec" | cut -f4,5 | sort -u | wc -l) packages from the npm registry (npm pack) ..."
echo "$spec" | cut -f4,5 | sort -u | tr '\t' '@' |
  xargs -P "$JOBS" -I{} sh -c 'cd "$1/tgz" && npm pack "$2" --silent >/dev/null' _ "$work" {}

# 2. Extract the members the spec names: files/<family>-<version>-<name>.
extract() { # package version member-regex -> path of the extracted file
  local pkg=$1 ver=$2 rx=$3 tgz member out
  tgz=$work/tgz/$(echo "$pkg" | sed 's/^@//; s|/|-|')-$ver.tgz
  member=$(tar -tzf "$tgz" | grep -E "^package/($rx)\$" | head -1)
  [ -n "$member" ] || { echo "demo: no member matching '$rx' in $pkg@$ver" >&2; return 1; }
  out=$work/files/$4-$ver-$(basename "$member")
  tar -xzOf "$tgz" "$member" >"$out"
  echo "$out"
}

# 3. Index the older versions, labelled.
db=$work/demo.db
echo "indexing the older versions ..."
queries=()
while IFS=$'\t' read -r role family actor pkg ver rx; do
  f=$(extract "$pkg" "$ver" "$rx" "$family")
  if [ "$role" = index ]; then
    "$KIN" add --db "$db" --family "$family" --actor "$actor" --version "$ver" -j 2 "$f" |
      sed "s|$work/files/||"
  else
    queries+=("$f")
  fi
done <<<"$spec"
echo
echo "\$ kin families"
"$KIN" families --db "$db"

# 4. Attribute the held-back files.
rc=0
summary=()
for f in "${queries[@]}"; do
  name=${f#"$work"/files/}
  echo
  echo "=============================================================================================="
  echo "\$ kin attribute --top 3 $name"
  echo "=============================================================================================="
  out=$("$KIN" attribute --db "$db" --top 3 "$f" | sed "s|$work/files/||") || [ $? -eq 1 ] || rc=3
  echo "$out"
  verdict=$(echo "$out" | sed -n 's/^verdict *//p' | cut -d: -f1)
  conf=$(echo "$out" | sed -n 's/^confidence *//p' | cut -d, -f1-2)
  summary+=("$(printf '%-44s %-13s %s' "$name" "$verdict" "$conf")")
done

echo
echo "=============================================================================================="
echo " summary ($((SECONDS - start)) s)"
echo "=============================================================================================="
printf '%s\n' "${summary[@]}"
cat <<'TXT'

Next: `kin attribute --json FILE` for the full evidence (every shared function with both
addresses), `kin diff A B` to compare two files function by function, and docs/ATTRIBUTION-
ENGINE.md for how kin weighs code, when it abstains and what its confidence means.
TXT
exit $rc
