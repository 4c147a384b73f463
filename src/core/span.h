/*
 * span.h: checked reads of untrusted bytes.
 *
 * Every byte taken from a sample is read through these helpers, and no other code does arithmetic
 * on offsets read from the file. Each check is written as `off <= n && len <= n - off`, which
 * cannot overflow (YARA fits_in_pe, SQLite aDataEnd). A failed read returns 0 and leaves the
 * output untouched, so callers test the return value and record an anomaly.
 */
#ifndef KIN_CORE_SPAN_H
#define KIN_CORE_SPAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
    const uint8_t *p;
    size_t n;
};

static inline struct span kin__span(const uint8_t *p, size_t n)
{
    struct span s = {p, n};
    return s;
}

/* True when [off, off+len) lies inside the span. */
static inline int kin__span_fits(struct span s, uint64_t off, uint64_t len)
{
    return off <= s.n && len <= s.n - off;
}

/* The sub-span [off, off+len); 0 when it does not fit. */
static inline int kin__span_sub(struct span s, uint64_t off, uint64_t len, struct span *out)
{
    if (!kin__span_fits(s, off, len)) {
        return 0;
    }
    out->p = s.p + off;
    out->n = (size_t)len;
    return 1;
}

/* The sub-span from off to the end, clipped; 0 when off is past the end. */
static inline int kin__span_tail(struct span s, uint64_t off, struct span *out)
{
    if (off > s.n) {
        return 0;
    }
    out->p = s.p + off;
    out->n = s.n - (size_t)off;
    return 1;
}

static inline int kin__span_u8(struct span s, uint64_t off, uint8_t *v)
{
    if (!kin__span_fits(s, off, 1)) {
        return 0;
    }
    *v = s.p[off];
    return 1;
}

static inline int kin__span_le16(struct span s, uint64_t off, uint16_t *v)
{
    if (!kin__span_fits(s, off, 2)) {
        return 0;
    }
    const uint8_t *b = s.p + off;
    *v = (uint16_t)(b[0] | (b[1] << 8));
    return 1;
}

static inline int kin__span_le32(struct span s, uint64_t off, uint32_t *v)
{
    if (!kin__span_fits(s, off, 4)) {
        return 0;
    }
    const uint8_t *b = s.p + off;
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    return 1;
}

static inline int kin__span_le64(struct span s, uint64_t off, uint64_t *v)
{
    uint32_t lo, hi;
    if (!kin__span_le32(s, off, &lo) || !kin__span_le32(s, off + 4, &hi)) {
        return 0;
    }
    *v = (uint64_t)lo | ((uint64_t)hi << 32);
    return 1;
}

static inline int kin__span_be16(struct span s, uint64_t off, uint16_t *v)
{
    if (!kin__span_fits(s, off, 2)) {
        return 0;
    }
    const uint8_t *b = s.p + off;
    *v = (uint16_t)((b[0] << 8) | b[1]);
    return 1;
}

static inline int kin__span_be32(struct span s, uint64_t off, uint32_t *v)
{
    if (!kin__span_fits(s, off, 4)) {
        return 0;
    }
    const uint8_t *b = s.p + off;
    *v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
    return 1;
}

static inline int kin__span_be64(struct span s, uint64_t off, uint64_t *v)
{
    uint32_t hi, lo;
    if (!kin__span_be32(s, off, &hi) || !kin__span_be32(s, off + 4, &lo)) {
        return 0;
    }
    *v = ((uint64_t)hi << 32) | (uint64_t)lo;
    return 1;
}

/* Endian-selected reads (ELF): big != 0 reads big-endian. */
static inline int kin__span_u16e(struct span s, uint64_t off, int big, uint16_t *v)
{
    return big ? kin__span_be16(s, off, v) : kin__span_le16(s, off, v);
}

static inline int kin__span_u32e(struct span s, uint64_t off, int big, uint32_t *v)
{
    return big ? kin__span_be32(s, off, v) : kin__span_le32(s, off, v);
}

static inline int kin__span_u64e(struct span s, uint64_t off, int big, uint64_t *v)
{
    return big ? kin__span_be64(s, off, v) : kin__span_le64(s, off, v);
}

/*
 * Length of the NUL-terminated string at off, at most max bytes scanned. Returns 0 when off is
 * outside the span. *terminated tells whether a NUL was found within the span and max.
 */
static inline size_t kin__span_strnlen(struct span s, uint64_t off, size_t max, int *terminated)
{
    *terminated = 0;
    if (off >= s.n) {
        return 0;
    }
    size_t avail = s.n - (size_t)off;
    size_t lim = avail < max ? avail : max;
    const uint8_t *z = memchr(s.p + off, 0, lim);
    if (z) {
        *terminated = 1;
        return (size_t)(z - (s.p + off));
    }
    return lim;
}

#endif /* KIN_CORE_SPAN_H */
