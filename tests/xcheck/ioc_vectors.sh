#!/usr/bin/env bash
# Cross-check: every indicator test vector in DATA_DIR/vectors/ holds under implementations
# independent of kin's C code (scripts/check-ioc-vectors.py: hashlib, PyCryptodome or a pure
# Python Keccak, base58 and Bech32 from the specs). Usage: ioc_vectors.sh KIN_CLI FIXTURES DATA
set -euo pipefail
data=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
exec /usr/bin/python3 "$here/scripts/check-ioc-vectors.py" "$data"
