#!/usr/bin/env bash
# pe_pefile.sh: kin's PE loader against python3-pefile (tests/xcheck/pe_pefile.py) on the PE
# fixtures: imphash, Rich hash, sections, imports, exports, entry, TLS, relocations, .pdata, PDB
# path and overlay must all agree on the compiled and hand-made fixtures. On the malformed files
# the loader deliberately parts from pefile where pefile follows damage Windows would not (import
# descriptors repeating earlier tables, entry points outside the file): there only the hashes,
# sections, relocations, TLS, .pdata and overlay must agree.
# Usage: pe_pefile.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
KIN=$1
FIX=$2
here=$(dirname "$0")
/usr/bin/python3 -c 'import pefile' || { echo "pe_pefile: python3-pefile missing"; exit 1; }
shopt -s nullglob
fixtures=("$FIX"/*.exe "$FIX"/*.dll)
[ ${#fixtures[@]} -ge 10 ] || { echo "pe_pefile: PE fixtures missing in $FIX"; exit 1; }
/usr/bin/python3 "$here/pe_pefile.py" "$KIN" "${fixtures[@]}"
/usr/bin/python3 "$here/pe_pefile.py" "$KIN" --quiet \
  --strict imphash,rich_hash,sections,tls,relocs,pdata,overlay "$FIX/malformed"
