/*
 * elf_strtab.c: names from ELF string tables (gABI 4.1 "String Table"): .shstrtab, .strtab,
 * .dynstr.
 *
 * A table is a run of NUL-terminated strings; a name is an index into it. Hostile tables lack the
 * final NUL, are empty, or are indexed past their end. A name is returned as a pointer into the
 * sample when its NUL lies inside the table within KIN_MAX_STRING_LEN bytes; otherwise as a
 * truncated arena copy. Work per name is bounded by KIN_MAX_STRING_LEN, never by the table size.
 */
#include <string.h>

#include "../../core/limits.h"
#include "elf_int.h"

void kin__elf_strtab_init(struct elf_ctx *e,
                          struct elf_strtab *t,
                          struct span bytes,
                          uint64_t offset)
{
    memset(t, 0, sizeof(*t));
    t->s = bytes;
    t->offset = offset;
    t->ready = 1;
    if (bytes.n > 0 && bytes.p[bytes.n - 1] != 0) {
        LOAD_ANOMALY(e->c, "elf.strtab.unterminated", offset,
                     "string table at 0x%llx (%zu bytes) does not end with a NUL",
                     (unsigned long long)offset, bytes.n);
    }
}

struct elf_strtab *kin__elf_section_strtab(struct elf_ctx *e, size_t i)
{
    if (i == 0 || i >= e->shdr_count || !e->strtabs) {
        return NULL;
    }
    struct elf_strtab *t = &e->strtabs[i];
    if (!t->ready) {
        struct span bytes = {NULL, 0};
        (void)kin__elf_section_bytes(e, i, &bytes);
        kin__elf_strtab_init(e, t, bytes, e->shdrs[i].offset);
    }
    return t;
}

kin_status
kin__elf_strtab_get(struct elf_ctx *e, struct elf_strtab *t, uint64_t idx, const char **out)
{
    *out = NULL;
    if (idx >= t->s.n) {
        if (!t->reported) {
            t->reported = 1;
            LOAD_ANOMALY(e->c, "elf.strtab.index_out_of_range", t->offset,
                         "name index 0x%llx is outside the %zu-byte string table at 0x%llx",
                         (unsigned long long)idx, t->s.n, (unsigned long long)t->offset);
        }
        return KIN_OK;
    }
    /* Tables are often read in runs of the same index (hostile ones always can be). */
    if (t->memo && t->memo_idx == idx) {
        *out = t->memo;
        return KIN_OK;
    }
    int terminated;
    size_t len = kin__span_strnlen(t->s, idx, KIN_MAX_STRING_LEN + 1, &terminated);
    if (terminated) {
        /* len <= KIN_MAX_STRING_LEN here: the NUL was found within the scanned bytes. */
        t->memo_idx = idx;
        t->memo = (const char *)t->s.p + idx;
        *out = t->memo;
        return KIN_OK;
    }
    if (len > KIN_MAX_STRING_LEN) {
        len = KIN_MAX_STRING_LEN;
        if (!t->long_reported) {
            t->long_reported = 1;
            LOAD_ANOMALY(e->c, "elf.strtab.long_name", t->offset,
                         "name at index 0x%llx is longer than %u bytes; truncated",
                         (unsigned long long)idx, (unsigned)KIN_MAX_STRING_LEN);
        }
    }
    char *copy = kin__arena_strndup(e->c->a, t->s.p + idx, len);
    if (!copy) {
        return elf_alloc_failed(e);
    }
    t->memo_idx = idx;
    t->memo = copy;
    *out = copy;
    return KIN_OK;
}
