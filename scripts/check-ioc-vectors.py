#!/usr/bin/python3
# Checks every indicator test vector in tests/data/vectors/ with implementations independent of
# kin's C code: Python's hashlib (SHA-256, SHA3-256), base58 and Bech32 written from the specs
# (the Bech32 code follows BIP350's reference segwit_addr.py), and Keccak-256 from PyCryptodome
# when installed, else the small pure-Python sponge below. A vector copied wrongly from its
# source fails here: every valid vector carries a checksum of 30 bits or more.
# Usage: scripts/check-ioc-vectors.py [DATA_DIR]   (exit 1 on any mismatch)
import base64
import hashlib
import os
import sys

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
VEC = os.path.join(DATA, "vectors")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("check-ioc-vectors: " + msg)


def lines(name):
    with open(os.path.join(VEC, name), encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split(" ")


def unescape(s):
    return s.encode("ascii").decode("unicode_escape")


# Keccak-256 with the original padding (0x01).
def keccak_f(st):
    rc = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
          0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
          0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
          0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
          0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
          0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
    rot = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
           [27, 20, 39, 8, 14]]
    m = (1 << 64) - 1
    rl = lambda v, n: ((v << n) | (v >> (64 - n))) & m if n else v
    for r in range(24):
        c = [st[x][0] ^ st[x][1] ^ st[x][2] ^ st[x][3] ^ st[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ rl(c[(x + 1) % 5], 1) for x in range(5)]
        st = [[st[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = rl(st[x][y], rot[x][y])
        st = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)]
              for x in range(5)]
        st[0][0] ^= rc[r]
    return st


def keccak256_py(data):
    rate = 136
    msg = bytearray(data) + b"\x01" + b"\x00" * ((rate - (len(data) + 1) % rate) % rate)
    msg[-1] |= 0x80
    st = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            st[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i:off + 8 * i + 8], "little")
        st = keccak_f(st)
    return b"".join(st[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


try:
    from Cryptodome.Hash import keccak as _k

    def keccak256(data):
        h = _k.new(digest_bits=256)
        h.update(data)
        return h.digest()
except ImportError:
    keccak256 = keccak256_py

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58enc(b):
    n = int.from_bytes(b, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s


def b58dec(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(s) - len(s.lstrip("1"))) + body


CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32_decode(s):
    if any(ord(c) < 33 or ord(c) > 126 for c in s) or (s.lower() != s and s.upper() != s):
        return None
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return None
    if not all(c in CHARSET for c in s[pos + 1:]):
        return None
    hrp, data = s[:pos], [CHARSET.find(c) for c in s[pos + 1:]]
    c = polymod([ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + data)
    enc = "bech32" if c == 1 else "bech32m" if c == 0x2BC830A3 else None
    return (hrp, data[:-6], enc) if enc else None


def convertbits(data, frombits, tobits):
    acc = bits = 0
    ret = []
    for v in data:
        acc = ((acc << frombits) | v) & ((1 << (frombits + tobits - 1)) - 1)
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & ((1 << tobits) - 1))
    if bits >= frombits or ((acc << (tobits - bits)) & ((1 << tobits) - 1)):
        return None
    return ret


def segwit(addr):
    """Returns the scriptPubKey hex or a reason, BIP350 rules."""
    d = bech32_decode(addr)
    if d is None:
        return "checksum-or-format"
    hrp, data, enc = d
    if hrp not in ("bc", "tb", "bcrt"):
        return "hrp"
    if not data or data[0] > 16:
        return "version"
    prog = convertbits(data[1:], 5, 8)
    if prog is None or not 2 <= len(prog) <= 40 or (data[0] == 0 and len(prog) not in (20, 32)):
        return "program"
    if (data[0] == 0) != (enc == "bech32"):
        return "variant"
    return bytes([data[0] + 0x50 if data[0] else 0, len(prog)] + prog).hex()


for digest, msg in lines("keccak256.txt"):
    m = b"" if msg == "-" else bytes.fromhex(msg)
    if keccak256(m).hex() != digest or keccak256_py(m).hex() != digest:
        fail("keccak256 of %s..." % msg[:16])

for hexs, text in lines("base58.txt"):
    b = b"" if hexs == "-" else bytes.fromhex(hexs)
    t = "" if text == "-" else text
    if b58enc(b) != t or b58dec(t) != b:
        fail("base58 %s" % t[:20])

versions = {"p2pkh-mainnet": 0, "p2sh-mainnet": 5, "p2pkh-testnet": 0x6F, "p2sh-testnet": 0xC4}
for addr, detail, h160 in lines("base58check.txt"):
    raw = b58dec(addr)
    ok = (len(raw) == 25 and raw[0] == versions[detail] and raw[1:21].hex() == h160 and
          hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:])
    if not ok:
        fail("base58check " + addr)

for name, enc in (("bip173_valid_strings.txt", "bech32"), ("bip350_valid_strings.txt", "bech32m")):
    for (s,) in lines(name):
        d = bech32_decode(s)
        if not d or d[2] != enc:
            fail("%s: %s" % (name, s[:20]))
for name in ("bip173_invalid_strings.txt", "bip350_invalid_strings.txt"):
    for s, reason in lines(name):
        s = unescape(s)
        d = bech32_decode(s)
        # The uppercase-hrp vectors are valid only when the checksum covers "A"/"M" themselves.
        if d is not None:
            fail("%s: %r decodes" % (name, s))
        if reason.startswith("checksum-calculated"):
            pos = s.rfind("1")
            data = [CHARSET.find(c) for c in s[pos + 1:].lower()]
            hrp = s[:pos]
            if polymod([ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + data) not in (
                    1, 0x2BC830A3):
                fail("%s: %r is not checksummed with an uppercase hrp" % (name, s))

for name in ("bip173_valid_addresses.txt", "bip350_valid_addresses.txt"):
    for addr, spk in lines(name):
        got = segwit(addr)
        d = bech32_decode(addr)
        if name.startswith("bip173") and d and d[2] == "bech32" and d[1][0] != 0:
            if got != "variant":  # BIP350 retired Bech32 for v1+
                fail("%s: %s should now fail as variant, got %s" % (name, addr, got))
        elif got != spk:
            fail("%s: %s gives %s" % (name, addr, got))
for name in ("bip173_invalid_addresses.txt", "bip350_invalid_addresses.txt"):
    for addr, reason in lines(name):
        got = segwit(addr)
        want = "checksum-or-format" if reason in ("checksum", "format") else reason
        if got != want:
            fail("%s: %s gives %s, expected %s" % (name, addr, got, reason))

for addr, validity in lines("eip55.txt"):
    h = addr[2:]
    if validity == "unchecked":
        ok = h == h.lower() or h == h.upper()
    else:
        d = keccak256(h.lower().encode()).hex()
        ok = all(c == (c.upper() if int(d[i], 16) >= 8 else c.lower()) for i, c in enumerate(h))
    if not ok:
        fail("eip55 " + addr)

sizes = [0, 2, 3, 5, 6, 7, 9, 10, 11]
prefixes = {18: "standard-mainnet", 19: "integrated-mainnet", 42: "subaddress-mainnet",
            53: "standard-testnet", 54: "integrated-testnet", 63: "subaddress-testnet",
            24: "standard-stagenet", 25: "integrated-stagenet", 36: "subaddress-stagenet"}
for addr, detail in lines("monero.txt"):
    raw = b""
    for i in range(0, len(addr), 11):
        blk = addr[i:i + 11]
        n = 0
        for c in blk:
            n = n * 58 + B58.index(c)
        raw += n.to_bytes(sizes.index(len(blk)), "big")
    if prefixes.get(raw[0]) != detail or keccak256(raw[:-4])[:4] != raw[-4:]:
        fail("monero " + addr[:20])

for (addr,) in lines("onion_v3.txt"):
    raw = base64.b32decode(addr[:-6].upper())
    pk, ck, ver = raw[:32], raw[32:34], raw[34]
    if ver != 3 or hashlib.sha3_256(b".onion checksum" + pk + bytes([ver])).digest()[:2] != ck:
        fail("onion " + addr)

print("check-ioc-vectors: %s" % ("ok" if not failures else "%d failure(s)" % failures))
sys.exit(1 if failures else 0)
