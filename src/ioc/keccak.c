/*
 * keccak.c: Keccak-256, as Ethereum (EIP-55) and Monero (address checksums) use it.
 *
 * This is the Keccak submission's padding (domain byte 0x01), which FIPS 202 changed to 0x06 for
 * SHA3-256; OpenSSL 3.0 offers only the latter. The permutation is Keccak-f[1600], 24 rounds;
 * the sponge absorbs 136 bytes per block (rate = 1600 - 2 * 256 bits). Lanes are little-endian.
 * Vectors: tests/data/vectors/keccak256.txt.
 */
#include <string.h>

#include "ioc.h"

#define KECCAK_ROUNDS 24
#define KECCAK_RATE   136 /* bytes per block for a 256-bit capacity of 512 bits */

static const uint64_t round_constants[KECCAK_ROUNDS] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};

/* Rotation offsets of the rho step and lane order of the pi step, walked as one cycle. */
static const unsigned rho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                 27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned pi_lane[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                     15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

static uint64_t rotl(uint64_t x, unsigned n)
{
    return (x << n) | (x >> (64 - n));
}

static void keccak_f(uint64_t st[25])
{
    uint64_t bc[5];
    for (int round = 0; round < KECCAK_ROUNDS; round++) {
        /* Theta. */
        for (int i = 0; i < 5; i++) {
            bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        }
        for (int i = 0; i < 5; i++) {
            uint64_t t = bc[(i + 4) % 5] ^ rotl(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5) {
                st[j + i] ^= t;
            }
        }
        /* Rho and pi. */
        uint64_t t = st[1];
        for (int i = 0; i < 24; i++) {
            unsigned j = pi_lane[i];
            uint64_t next = st[j];
            st[j] = rotl(t, rho[i]);
            t = next;
        }
        /* Chi. */
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; i++) {
                bc[i] = st[j + i];
            }
            for (int i = 0; i < 5; i++) {
                st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
            }
        }
        /* Iota. */
        st[0] ^= round_constants[round];
    }
}

/* XORs a block of KECCAK_RATE bytes into the state, little-endian lanes. */
static void absorb(uint64_t st[25], const uint8_t *block)
{
    for (int i = 0; i < KECCAK_RATE / 8; i++) {
        uint64_t lane = 0;
        for (int b = 7; b >= 0; b--) {
            lane = (lane << 8) | block[i * 8 + b];
        }
        st[i] ^= lane;
    }
}

void kin__keccak256_pad(const uint8_t *p, size_t n, uint8_t pad, uint8_t out[32])
{
    uint64_t st[25];
    uint8_t last[KECCAK_RATE];
    memset(st, 0, sizeof(st));
    while (n >= KECCAK_RATE) {
        absorb(st, p);
        keccak_f(st);
        p += KECCAK_RATE;
        n -= KECCAK_RATE;
    }
    /* Multi-rate padding: the domain byte after the message, 0x80 on the block's last byte. */
    memset(last, 0, sizeof(last));
    if (n) {
        memcpy(last, p, n);
    }
    last[n] ^= pad;
    last[KECCAK_RATE - 1] ^= 0x80;
    absorb(st, last);
    keccak_f(st);
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 8; b++) {
            out[i * 8 + b] = (uint8_t)(st[i] >> (8 * b));
        }
    }
}

void kin__keccak256(const uint8_t *p, size_t n, uint8_t out[32])
{
    kin__keccak256_pad(p, n, 0x01, out);
}
