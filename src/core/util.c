/*
 * util.c: small pure helpers shared by the stages: entropy and hex encoding.
 */
#include <math.h>

#include "core.h"

double kin__entropy(const uint8_t *p, size_t n)
{
    if (n == 0) {
        return 0.0;
    }
    size_t freq[256] = {0};
    for (size_t i = 0; i < n; i++) {
        freq[p[i]]++;
    }
    double h = 0.0;
    for (int i = 0; i < 256; i++) {
        if (freq[i]) {
            double q = (double)freq[i] / (double)n;
            h -= q * log2(q);
        }
    }
    return h;
}

void kin__hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}
