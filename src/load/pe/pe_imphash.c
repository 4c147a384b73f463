/*
 * pe_imphash.c: imphash exactly as python3-pefile 2023.2.7 computes it (PE.get_imphash()), the
 * value malware repositories publish. It re-walks the import directory with pefile's own rules,
 * which differ from the loader's (pe_imports.c) on damaged tables:
 *   - descriptors end at an all-zero or unreadable one, or after more than 5 that yield nothing;
 *   - a table (lookup, then IAT when the lookup table is empty) ends at a zero thunk, at
 *     max_len bytes, when a thunk points into the table itself, or when pefile's global counter
 *     of thunks read (both tables, all DLLs) passes 0x2000; it is dropped when an address repeats
 *     15 times, when addresses spread over more than 128 MiB, or when an ordinal exceeds 0xffff;
 *   - names must be [A-Za-z0-9._?@$()<>]* (else skipped), DLL names 8.3-ish (else "*invalid*");
 *   - delay-load imports are not part of imphash (get_imphash() reads DIRECTORY_ENTRY_IMPORT).
 * The string is "lib.func" per import, lowercased, joined by ","; lib loses a .dll/.ocx/.sys
 * extension; ordinals become names through pefile's ordlookup tables (pe_ordnames.c) or
 * "ord<N>". imphash is the MD5 of that string, "" when pefile finds no import descriptor.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "pe_int.h"

#define PF_MAX_IMPORT_SYMBOLS 0x2000u /* pefile MAX_IMPORT_SYMBOLS */
#define PF_MAX_NAME_LENGTH    0x200u  /* MAX_IMPORT_NAME_LENGTH, MAX_DLL_LENGTH */
#define PF_MAX_ADDRESS_SPREAD ((uint64_t)128 << 20)
#define PF_MAX_REPEATED       15u
#define PF_MAX_ERRORS         5
#define PF_SET_SIZE           16384u /* > 2 * (PF_MAX_IMPORT_SYMBOLS + 1) */
#define PF_TABLE_MAX          (PF_MAX_IMPORT_SYMBOLS + 2u)

struct pf_import {
    int by_ordinal;
    uint32_t ordinal;
    struct span name;
};

struct pf {
    struct pe_ctx *p;
    uint64_t hdr_len; /* pefile's len(self.header) */
    uint64_t total;   /* pefile's __total_import_symbols */
    uint64_t *set_val;
    uint32_t *set_gen;
    uint32_t gen;
    uint64_t *ilt, *iat; /* thunk values of the current descriptor's tables */
    struct pf_import *imps;
    EVP_MD_CTX *md;
    int any; /* a descriptor made it into pefile's list */
    int first;
};

/* pefile's PE.get_data(rva, len): 0 when it raises, else the (possibly short) bytes. */
static int pf_get_data(const struct pf *f, uint64_t rva, uint64_t len, struct span *out)
{
    uint64_t off, avail;
    int kind = kin__pe_map(f->p, rva, &off, &avail);
    if (kind == PE_MAP_NONE) {
        return 0;
    }
    if (kind == PE_MAP_VIRTUAL) {
        *out = kin__span(f->p->f.p, 0);
        return 1;
    }
    if (kind == PE_MAP_FLAT && rva < f->hdr_len && f->hdr_len - rva < avail) {
        avail = f->hdr_len - rva;
    }
    return kin__span_sub(f->p->f, off, avail < len ? avail : len, out);
}

/* pefile's get_string_at_rva(rva, 0x200): never fails; empty when nothing is there. */
static struct span pf_string(const struct pf *f, uint64_t rva)
{
    uint64_t off, avail;
    struct span s = kin__span(f->p->f.p, 0);
    int kind = kin__pe_map(f->p, rva, &off, &avail);
    if (kind == PE_MAP_SECTION || kind == PE_MAP_FLAT) {
        (void)kin__span_sub(f->p->f, off, avail < PF_MAX_NAME_LENGTH ? avail : PF_MAX_NAME_LENGTH,
                            &s);
        const uint8_t *z = memchr(s.p, 0, s.n);
        if (z) {
            s.n = (size_t)(z - s.p);
        }
    }
    return s;
}

static int valid_function_name(struct span s)
{
    for (size_t i = 0; i < s.n; i++) {
        uint8_t ch = s.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              strchr("._?@$()<>", ch))) {
            return 0;
        }
    }
    return 1;
}

static int valid_dos_filename(struct span s)
{
    for (size_t i = 0; i < s.n; i++) {
        uint8_t ch = s.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              strchr("!#$%&'()-@^_`{}~+,.;=[]\\/", ch))) {
            return 0;
        }
    }
    return 1;
}

/* Membership in pefile's per-table AddressSet pair (one set keyed by value is equivalent). */
static int set_add(struct pf *f, uint64_t v)
{
    uint64_t h = v * 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 0;; i++) {
        size_t slot = (size_t)((h >> 40) + i) & (PF_SET_SIZE - 1);
        if (f->set_gen[slot] != f->gen) {
            f->set_gen[slot] = f->gen;
            f->set_val[slot] = v;
            return 0;
        }
        if (f->set_val[slot] == v) {
            return 1;
        }
    }
}

struct spread {
    int any;
    uint64_t min, max;
};

static void spread_add(struct spread *s, uint64_t v)
{
    if (!s->any || v < s->min) {
        s->min = v;
    }
    if (!s->any || v > s->max) {
        s->max = v;
    }
    s->any = 1;
}

/* pefile's get_import_table(): the number of thunks in out (0 for both None and []). */
static size_t pf_table(struct pf *f, uint64_t rva, int64_t max_len, uint64_t *out)
{
    const struct pe_ctx *p = f->p;
    uint64_t ps = p->is64 ? 8 : 4;
    uint64_t ord_flag = p->is64 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
    uint64_t start = rva;
    uint32_t repeated = 0;
    struct spread s32 = {0, 0, 0}, s64 = {0, 0, 0};
    size_t n = 0;
    f->gen++;
    while (rva) {
        if ((int64_t)rva >= (int64_t)start + max_len) {
            break;
        }
        if (f->total > PF_MAX_IMPORT_SYMBOLS) {
            break;
        }
        f->total++;
        if (repeated >= PF_MAX_REPEATED) {
            return 0;
        }
        if ((s32.any && s32.max - s32.min > PF_MAX_ADDRESS_SPREAD) ||
            (s64.any && s64.max - s64.min > PF_MAX_ADDRESS_SPREAD)) {
            return 0;
        }
        struct span d;
        if (!pf_get_data(f, rva, ps, &d) || d.n != ps) {
            return 0;
        }
        uint64_t v = 0;
        if (p->is64) {
            (void)kin__span_le64(d, 0, &v);
        } else {
            uint32_t v32 = 0;
            (void)kin__span_le32(d, 0, &v32);
            v = v32;
        }
        if (v >= start && v <= rva) {
            break;
        }
        if (v) {
            if (v & ord_flag) {
                if ((v & 0x7fffffff) > 0xffff) {
                    return 0;
                }
            } else {
                if (set_add(f, v)) {
                    repeated++;
                }
                spread_add(v >= ((uint64_t)1 << 32) ? &s64 : &s32, v);
            }
        }
        if (v == 0) {
            break;
        }
        rva += ps;
        /* Cannot trigger: f->total bounds every table to PF_TABLE_MAX - 1 entries. */
        if (n >= PF_TABLE_MAX) {
            break;
        }
        out[n++] = v;
    }
    return n;
}

/* pefile's parse_imports(): the number of imports in f->imps; 0 when it fails or finds none. */
static size_t pf_imports(struct pf *f, uint32_t oft, uint32_t ft, int64_t max_len)
{
    const struct pe_ctx *p = f->p;
    size_t nilt = pf_table(f, oft, max_len, f->ilt);
    size_t niat = pf_table(f, ft, max_len, f->iat);
    const uint64_t *table = nilt ? f->ilt : f->iat;
    size_t n = nilt ? nilt : niat;
    uint64_t ord_flag = p->is64 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
    uint64_t mask = p->is64 ? 0x7fffffffffffffffull : 0x7fffffffull;
    size_t count = 0, invalid = 0;
    for (size_t idx = 0; idx < n; idx++) {
        uint64_t v = table[idx];
        struct pf_import imp = {0, 0, {NULL, 0}};
        int have_name = 0;
        if (v & ord_flag) {
            imp.by_ordinal = 1;
            imp.ordinal = (uint32_t)(v & 0xffff);
        } else {
            struct span hint;
            if (pf_get_data(f, v & mask, 2, &hint)) {
                imp.name = pf_string(f, v + 2);
                have_name = 1;
                if (!valid_function_name(imp.name)) {
                    /* "*invalid*" names are skipped; a table of nothing else is dropped. */
                    if (invalid > 1000 && invalid == idx) {
                        return 0;
                    }
                    invalid++;
                    continue;
                }
            }
        }
        if (!imp.by_ordinal && !have_name) {
            return 0; /* "Invalid entries, aborting parsing." */
        }
        if ((imp.by_ordinal && imp.ordinal) || (!imp.by_ordinal && imp.name.n)) {
            f->imps[count++] = imp;
        }
    }
    return count;
}

static void md_put(struct pf *f, const char *s, size_t n)
{
    (void)EVP_DigestUpdate(f->md, s, n);
}

/* Appends "lib.func" (lowercased) to the digest, comma-separated. */
static void emit(struct pf *f, const char *lib, size_t lib_len, const uint8_t *fn, size_t fn_len)
{
    char buf[PF_MAX_NAME_LENGTH + 16];
    if (!f->first) {
        md_put(f, ",", 1);
    }
    f->first = 0;
    for (size_t i = 0; i < lib_len; i++) {
        char ch = lib[i];
        buf[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
    }
    md_put(f, buf, lib_len);
    md_put(f, ".", 1);
    for (size_t i = 0; i < fn_len && i < sizeof(buf); i++) {
        char ch = (char)fn[i];
        buf[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
    }
    md_put(f, buf, fn_len < sizeof(buf) ? fn_len : sizeof(buf));
}

static void emit_descriptor(struct pf *f, struct span dll, size_t count)
{
    char name[PF_MAX_NAME_LENGTH + 1];
    size_t len = dll.n;
    memcpy(name, dll.p, len);
    name[len] = '\0';
    /* libname: lowercased, without a final .ocx/.sys/.dll (compared after lowercasing). */
    size_t lib_len = len;
    const char *dot = strrchr(name, '.');
    if (dot) {
        char ext[5] = {0};
        size_t el = len - (size_t)(dot + 1 - name);
        for (size_t i = 0; i < el && i < 4; i++) {
            char ch = dot[1 + i];
            ext[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
        }
        if (el == 3 && (!strcmp(ext, "ocx") || !strcmp(ext, "sys") || !strcmp(ext, "dll"))) {
            lib_len = (size_t)(dot - name);
        }
    }
    for (size_t i = 0; i < count; i++) {
        const struct pf_import *imp = &f->imps[i];
        if (!imp->by_ordinal) {
            emit(f, name, lib_len, imp->name.p, imp->name.n);
            continue;
        }
        const char *known = kin__pe_ordinal_name(name, imp->ordinal);
        char ord[16];
        if (!known) {
            (void)snprintf(ord, sizeof(ord), "ord%u", imp->ordinal);
            known = ord;
        }
        emit(f, name, lib_len, (const uint8_t *)known, strlen(known));
    }
}

/* pefile's len(self.header): up to the end of the section table or the first raw data. */
static uint64_t header_len(const struct pe_ctx *p)
{
    uint64_t end = p->sect_off;
    if (p->nsections_declared > 0 && p->nsecs > 0) {
        end += 40u * (uint64_t)p->nsections_declared;
    }
    uint64_t lowest = 0;
    for (size_t i = 0; i < p->nsecs; i++) {
        uint64_t ptr = p->secs[i].raw_ptr;
        if (ptr == 0) {
            continue;
        }
        if (p->file_align >= 0x200) {
            ptr &= ~(uint64_t)0x1ff;
        }
        if (lowest == 0 || ptr < lowest) {
            lowest = ptr;
        }
    }
    uint64_t len = (lowest == 0 || lowest < end) ? end : lowest;
    return len < p->f.n ? len : p->f.n;
}

static void walk(struct pf *f)
{
    const struct pe_ctx *p = f->p;
    uint64_t rva = p->dirs[PE_DIR_IMPORT].rva;
    int errors = 0;
    /* pefile's own counters bound this loop; the cap is a second guard. */
    for (uint32_t guard = 0; guard < 4u * PF_MAX_IMPORT_SYMBOLS; guard++) {
        struct span d;
        if (!pf_get_data(f, rva, 20, &d) || d.n != 20) {
            break;
        }
        size_t nz = 0;
        while (nz < 20 && d.p[nz] == 0) {
            nz++;
        }
        if (nz == 20) {
            break;
        }
        uint32_t oft, name, ft;
        (void)kin__span_le32(d, 0, &oft);
        (void)kin__span_le32(d, 12, &name);
        (void)kin__span_le32(d, 16, &ft);
        uint64_t file_offset = (uint64_t)(d.p - p->f.p);
        rva += 20;
        int64_t max_len = (int64_t)p->f.n - (int64_t)file_offset;
        if (rva > oft || rva > ft) {
            int64_t a = (int64_t)rva - (int64_t)oft, b = (int64_t)rva - (int64_t)ft;
            max_len = a > b ? a : b;
        }
        size_t count = pf_imports(f, oft, ft, max_len);
        if (errors > PF_MAX_ERRORS) {
            break;
        }
        if (count == 0) {
            errors++;
            continue;
        }
        struct span dll = pf_string(f, name);
        if (!valid_dos_filename(dll)) {
            static const uint8_t invalid[] = "*invalid*";
            dll = kin__span(invalid, sizeof(invalid) - 1);
        }
        if (dll.n) {
            f->any = 1;
            emit_descriptor(f, dll, count);
        }
    }
}

kin_status kin__pe_imphash(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_IMPORT || p->dirs[PE_DIR_IMPORT].rva == 0) {
        return KIN_OK;
    }
    struct pf f;
    memset(&f, 0, sizeof(f));
    f.p = p;
    f.first = 1;
    f.hdr_len = header_len(p);
    struct arena *a = p->c->a;
    f.set_val = kin__arena_array(a, PF_SET_SIZE, sizeof(*f.set_val));
    f.set_gen = kin__arena_array(a, PF_SET_SIZE, sizeof(*f.set_gen));
    f.ilt = kin__arena_array(a, PF_TABLE_MAX, sizeof(*f.ilt));
    f.iat = kin__arena_array(a, PF_TABLE_MAX, sizeof(*f.iat));
    f.imps = kin__arena_array(a, PF_TABLE_MAX, sizeof(*f.imps));
    if (!f.set_val || !f.set_gen || !f.ilt || !f.iat || !f.imps) {
        return kin__pe_nomem(p);
    }
    f.md = EVP_MD_CTX_new();
    if (!f.md || !EVP_DigestInit_ex(f.md, EVP_md5(), NULL)) {
        EVP_MD_CTX_free(f.md);
        return KIN_NOMEM;
    }
    walk(&f);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    kin_status st = KIN_OK;
    if (!EVP_DigestFinal_ex(f.md, digest, &len) || len != 16) {
        st = KIN_NOMEM;
    } else if (f.any) {
        kin__hex(digest, 16, p->c->img->hashes.imphash);
    }
    EVP_MD_CTX_free(f.md);
    return st;
}
