/*
 * code.c: the code regions of an image and the instruction cache over them.
 *
 * Regions are the executable sections' file-backed bytes, sorted by address and laid end to end
 * in "code offset" space. kin__func_sweep() decodes every region linearly once; records are
 * found again through a bitmap of sweep starts plus a per-word rank (O(1), no hashing). Offsets
 * the sweep did not decode (code reached in the middle of a sweep instruction) are decoded on
 * demand and found through a small open-addressing table. Scratch memory comes from kin__malloc
 * and is accounted against a budget proportional to the code size.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "../core/span.h"
#include "func.h"

int kin__func_grow(struct func_ctx *c, void **v, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) {
        return 1;
    }
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 64;
    while (ncap < need) {
        ncap *= 2;
    }
    if (ncap > UINT32_MAX) {
        ncap = UINT32_MAX;
    }
    size_t add = (size_t)(ncap - *cap) * elem;
    if (c->mem_used + add > c->mem_budget) {
        c->limit_hit = 1;
        return 0;
    }
    void *nv = kin__realloc(*v, (size_t)ncap * elem);
    if (!nv) {
        return 0;
    }
    c->mem_used += add;
    *v = nv;
    *cap = (uint32_t)ncap;
    return 1;
}

int kin__u32_push(struct func_ctx *c, struct u32vec *v, uint32_t x)
{
    if (v->count == v->cap && !kin__func_grow(c, (void **)&v->v, &v->cap, v->count + 1, 4)) {
        return 0;
    }
    v->v[v->count++] = x;
    return 1;
}

void kin__u32_free(struct u32vec *v)
{
    kin__free(v->v);
    memset(v, 0, sizeof(*v));
}

static uint64_t *bitmap(struct func_ctx *c)
{
    size_t bytes = c->words * 8;
    if (c->mem_used + bytes > c->mem_budget) {
        c->limit_hit = 1;
        return NULL;
    }
    c->mem_used += bytes;
    return kin__calloc(c->words, 8);
}

static int cmp_region(const void *a, const void *b)
{
    const struct func_region *x = a, *y = b;
    return x->va < y->va ? -1 : x->va > y->va;
}

static int add_region(struct func_ctx *c, uint32_t *cap, uint64_t va, uint64_t off, uint64_t size)
{
    struct span file = kin__span(c->s->data, c->s->size);
    struct span sub;
    if (size == 0 || !kin__span_sub(file, off, size, &sub)) {
        return 1;
    }
    if (!kin__func_grow(c, (void **)&c->regions, cap, c->region_count + 1, sizeof(*c->regions))) {
        return 0;
    }
    struct func_region *r = &c->regions[c->region_count++];
    r->va = va;
    r->p = sub.p;
    r->size = (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size);
    return 1;
}

/* Sorting context for imports: qsort has no argument, so sort pairs instead. */
struct slot_pair {
    uint64_t slot;
    uint32_t idx;
};

static int cmp_slot(const void *a, const void *b)
{
    const struct slot_pair *x = a, *y = b;
    if (x->slot != y->slot) {
        return x->slot < y->slot ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static kin_status setup_regions(struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    uint32_t cap = 0;
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        if (!(s->flags & (KIN_SEC_EXEC | KIN_SEC_CODE))) {
            continue;
        }
        uint64_t size = s->size;
        if (s->vsize && s->vsize < size) {
            size = s->vsize;
        }
        if (!add_region(c, &cap, s->va, s->offset, size)) {
            return KIN_NOMEM;
        }
    }
    if (c->region_count == 0) {
        /* ELF without section headers: executable PT_LOAD segments. */
        for (size_t i = 0; i < img->elf.segment_count; i++) {
            const struct kin_segment *g = &img->elf.segments[i];
            if (g->type == 1 && (g->flags & 1u)) {
                if (!add_region(c, &cap, g->va, g->offset, g->filesz)) {
                    return KIN_NOMEM;
                }
            }
        }
    }
    if (c->region_count > 0) {
        qsort(c->regions, c->region_count, sizeof(*c->regions), cmp_region);
    }
    /* Make regions disjoint (malformed files overlap sections) and assign code offsets. */
    uint32_t n = 0;
    uint64_t end = 0, co = 0;
    for (uint32_t i = 0; i < c->region_count; i++) {
        struct func_region r = c->regions[i];
        if (n && r.va < end) {
            uint64_t cut = end - r.va;
            if (cut >= r.size) {
                continue;
            }
            r.va += cut;
            r.p += cut;
            r.size -= (uint32_t)cut;
        }
        if (co + r.size > ((uint64_t)1 << 31)) {
            c->limit_hit = 1;
            break;
        }
        r.co = (uint32_t)co;
        co += r.size;
        end = r.va + r.size;
        c->regions[n++] = r;
    }
    c->region_count = n;
    c->code_size = (uint32_t)co;
    return KIN_OK;
}

static void setup_image_range(struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        if (s->va == 0 && img->format == KIN_FORMAT_ELF) {
            continue; /* not loaded (.symtab, .comment, ...) */
        }
        uint64_t sz = s->vsize > s->size ? s->vsize : s->size;
        if (s->va < lo) {
            lo = s->va;
        }
        if (s->va + sz > hi && s->va + sz >= s->va) {
            hi = s->va + sz;
        }
    }
    if (img->format == KIN_FORMAT_PE && img->pe.image_base && img->pe.image_base < lo) {
        lo = img->pe.image_base;
    }
    if (lo >= hi) {
        lo = hi = 0;
    }
    c->img_lo = lo;
    c->img_hi = hi;
}

kin_status kin__func_ctx_init(struct func_ctx *c,
                              const struct kin_sample *s,
                              const struct kin_analyze_options *opt,
                              struct arena *result_arena,
                              struct anomaly_list *an)
{
    static const struct kin_analyze_options defaults;
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->img = &s->img;
    c->opt = opt ? opt : &defaults;
    c->arena = result_arena;
    c->an = an;
    c->bits = c->img->bits == 64 || c->img->arch == KIN_ARCH_X64 ? 64 : 32;
    KIN_TRY(kin__dis_init(&c->dis, c->bits));
    c->mem_budget = KIN_FUNCS_BUDGET_BASE;
    c->mem_budget += (size_t)KIN_FUNCS_BUDGET_FACTOR *
                     (c->s->size < ((size_t)1 << 30) ? c->s->size : ((size_t)1 << 30));
    KIN_TRY(setup_regions(c));
    /* The budget follows the code size, not the file size, once regions are known. */
    c->mem_budget = KIN_FUNCS_BUDGET_BASE + (size_t)KIN_FUNCS_BUDGET_FACTOR * c->code_size;
    setup_image_range(c);
    c->words = ((size_t)c->code_size + 63) / 64 + 1;
    uint64_t **maps[] = {&c->istart, &c->gvis, &c->cov,   &c->fstart, &c->lvis,
                         &c->lead,   &c->data, &c->noret, &c->owned};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(maps); i++) {
        *maps[i] = bitmap(c);
        if (!*maps[i]) {
            return KIN_NOMEM;
        }
    }
    if (c->mem_used + c->words * 4 > c->mem_budget) {
        return KIN_NOMEM;
    }
    c->rank = kin__calloc(c->words, 4);
    if (!c->rank) {
        return KIN_NOMEM;
    }
    c->mem_used += c->words * 4;

    /* Imports by slot address. */
    const struct kin_image *img = c->img;
    if (img->import_count) {
        struct slot_pair *pairs = kin__calloc(img->import_count, sizeof(*pairs));
        if (!pairs) {
            return KIN_NOMEM;
        }
        uint32_t n = 0;
        for (size_t i = 0; i < img->import_count && i < UINT32_MAX; i++) {
            if (img->imports[i].slot_va) {
                pairs[n].slot = img->imports[i].slot_va;
                pairs[n].idx = (uint32_t)i;
                n++;
            }
        }
        if (n > 0) {
            qsort(pairs, n, sizeof(*pairs), cmp_slot);
        }
        c->imp_by_slot = kin__calloc(n ? n : 1, 4);
        if (!c->imp_by_slot) {
            kin__free(pairs);
            return KIN_NOMEM;
        }
        for (uint32_t i = 0; i < n; i++) {
            c->imp_by_slot[i] = pairs[i].idx;
        }
        c->imp_count = n;
        kin__free(pairs);
    }
    return KIN_OK;
}

void kin__func_ctx_release(struct func_ctx *c)
{
    uint64_t *maps[] = {c->istart, c->gvis, c->cov,   c->fstart, c->lvis,
                        c->lead,   c->data, c->noret, c->owned};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(maps); i++) {
        kin__free(maps[i]);
    }
    kin__free(c->rank);
    kin__free(c->regions);
    kin__free(c->ins);
    kin__free(c->ov_keys);
    kin__free(c->ov_vals);
    kin__free(c->starts);
    kin__free(c->jts);
    kin__free(c->imp_by_slot);
    kin__free(c->blocks);
    struct u32vec *vecs[] = {&c->jt_targets, &c->stack, &c->trail,   &c->pend,  &c->pend_flags,
                             &c->seq,        &c->runs,  &c->leads,   &c->edges, &c->apis,
                             &c->tmp,        &c->tails, &c->deferred};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(vecs); i++) {
        kin__u32_free(vecs[i]);
    }
    memset(c, 0, sizeof(*c));
}

uint32_t kin__func_import_at(const struct func_ctx *c, uint64_t va)
{
    uint32_t lo = 0, hi = c->imp_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint64_t s = c->img->imports[c->imp_by_slot[mid]].slot_va;
        if (s < va) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < c->imp_count && c->img->imports[c->imp_by_slot[lo]].slot_va == va) {
        return c->imp_by_slot[lo];
    }
    return FUNC_NONE;
}

uint32_t kin__func_got_import(struct func_ctx *c, uint32_t co)
{
    uint64_t got = c->img->elf.pltgot;
    if (c->bits != 32 || c->img->format != KIN_FORMAT_ELF || got == 0 || c->imp_count == 0) {
        return FUNC_NONE;
    }
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, co, &avail);
    struct dis_insn d;
    if (!p || kin__dis_decode(&c->dis, p, avail, kin__func_va(c, co), &d) != KIN_OK) {
        return FUNC_NONE;
    }
    if (d.mem != DIS_MEM_BASE || d.mem_base != 3 /* ebx */ || d.mem_index != DIS_REG_NONE) {
        return FUNC_NONE;
    }
    return kin__func_import_at(c, (got + (uint64_t)d.disp) & 0xffffffffu);
}

uint32_t kin__func_co(struct func_ctx *c, uint64_t va)
{
    const struct func_region *r = c->region_count ? &c->regions[c->last_region] : NULL;
    if (r && va >= r->va && va - r->va < r->size) {
        return r->co + (uint32_t)(va - r->va);
    }
    uint32_t lo = 0, hi = c->region_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->regions[mid].va <= va) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return FUNC_NONE;
    }
    r = &c->regions[lo - 1];
    if (va - r->va < r->size) {
        c->last_region = lo - 1;
        return r->co + (uint32_t)(va - r->va);
    }
    return FUNC_NONE;
}

const struct func_region *kin__func_region(const struct func_ctx *c, uint32_t co)
{
    const struct func_region *r = &c->regions[c->last_region];
    if (co >= r->co && co - r->co < r->size) {
        return r;
    }
    uint32_t lo = 0, hi = c->region_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->regions[mid].co <= co) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return &c->regions[lo ? lo - 1 : 0];
}

uint64_t kin__func_va(const struct func_ctx *c, uint32_t co)
{
    const struct func_region *r = kin__func_region(c, co);
    return r->va + (co - r->co);
}

const uint8_t *kin__func_bytes(const struct func_ctx *c, uint32_t co, uint32_t *avail)
{
    const struct func_region *r = kin__func_region(c, co);
    *avail = r->size - (co - r->co);
    return r->p + (co - r->co);
}

int kin__func_read(const struct func_ctx *c, uint64_t va, void *out, size_t len)
{
    const struct kin_image *img = c->img;
    struct span file = kin__span(c->s->data, c->s->size);
    struct span sub;
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        if (va < s->va || va - s->va >= s->size || len > s->size - (va - s->va)) {
            continue;
        }
        if (img->format == KIN_FORMAT_ELF && s->type == 8) {
            continue; /* SHT_NOBITS */
        }
        if (kin__span_sub(file, s->offset + (va - s->va), len, &sub)) {
            memcpy(out, sub.p, len);
            return 1;
        }
    }
    if (img->section_count == 0) {
        for (size_t i = 0; i < img->elf.segment_count; i++) {
            const struct kin_segment *g = &img->elf.segments[i];
            if (g->type != 1 || va < g->va || va - g->va >= g->filesz ||
                len > g->filesz - (va - g->va)) {
                continue;
            }
            if (kin__span_sub(file, g->offset + (va - g->va), len, &sub)) {
                memcpy(out, sub.p, len);
                return 1;
            }
        }
    }
    return 0;
}

static int in_image(const struct func_ctx *c, uint64_t v)
{
    return v >= c->img_lo && v < c->img_hi;
}

/* Packs a decoded instruction into a cache record (see struct func_insn). */
static void pack(struct func_ctx *c,
                 const struct dis_insn *d,
                 const uint8_t *p,
                 uint32_t co,
                 struct func_insn *r)
{
    unsigned kind = FI_VAL_NONE;
    uint32_t val = 0;
    unsigned mo = 0, ml = 0;
    unsigned cls = d->cls;
    r->co = co;
    r->len = d->length;
    r->tok = d->token;
    if (d->flags & DIS_F_PAD) {
        cls |= FI_F_PAD;
    }
    if (d->flags & DIS_F_PRIV) {
        cls |= FI_F_PRIV;
    }
    if (d->length >= 2 && p[0] == 0 && p[1] == 0) {
        cls |= FI_F_ZERO;
    }
    if (d->flags & DIS_F_IMM_REL) {
        uint32_t t = kin__func_co(c, d->target);
        if (t != FUNC_NONE) {
            kind = FI_VAL_CODE;
            val = t;
        } else {
            kind = FI_VAL_OUT;
            val = (uint32_t)d->target;
        }
        mo = d->imm_off;
        ml = d->imm_size;
    } else {
        int disp_addr = 0, imm_addr = 0;
        uint64_t addr = 0;
        if (d->mem == DIS_MEM_RIP) {
            disp_addr = 1;
            addr = d->addr;
        } else if (d->disp_size >= 4 && d->mem != DIS_MEM_NONE) {
            uint64_t a = d->mem == DIS_MEM_BASE ? (uint64_t)d->disp : d->addr;
            if (c->bits == 32) {
                a &= 0xffffffffu;
            }
            if (in_image(c, a)) {
                disp_addr = 1;
                addr = a;
            }
        }
        if (d->imm_size >= 4) {
            uint64_t v = c->bits == 32 ? (d->imm & 0xffffffffu) : d->imm;
            if (in_image(c, v)) {
                imm_addr = 1;
                if (!disp_addr) {
                    addr = v;
                }
            }
        }
        if (disp_addr || imm_addr) {
            if (in_image(c, addr)) {
                kind = FI_VAL_ADDR;
                val = (uint32_t)(addr - c->img_lo);
            }
            cls |= FI_F_ADDRM;
        } else if (d->imm_size) {
            kind = FI_VAL_CONST;
            val = (uint32_t)d->imm;
        }
        if (disp_addr && imm_addr) {
            mo = d->disp_off;
            ml = (unsigned)d->length - d->disp_off;
        } else if (disp_addr) {
            mo = d->disp_off;
            ml = d->disp_size;
        } else if (imm_addr) {
            mo = d->imm_off;
            ml = d->imm_size;
        }
    }
    if (mo > 15 || ml > 15) {
        mo = ml = 0; /* cannot happen with x86 encodings (15 bytes at most) */
    }
    r->val = val;
    r->flow = (uint8_t)(d->flow | (kind << 4));
    r->cls = (uint8_t)cls;
    r->mask = (uint8_t)((mo << 4) | ml);
}

static int reserve_ins(struct func_ctx *c, uint32_t need)
{
    if (need > KIN_MAX_INSNS_PER_FILE) {
        c->limit_hit = 1;
        return 0;
    }
    return kin__func_grow(c, (void **)&c->ins, &c->ins_cap, need, sizeof(*c->ins));
}

kin_status kin__func_sweep(struct func_ctx *c)
{
    /* Typical x86 code averages 3.5 to 4 bytes per instruction. */
    uint32_t guess = c->code_size / 3 + 64;
    if (!reserve_ins(c, guess > KIN_MAX_INSNS_PER_FILE ? KIN_MAX_INSNS_PER_FILE : guess)) {
        return c->limit_hit ? KIN_LIMIT : KIN_NOMEM;
    }
    struct dis_insn d;
    for (uint32_t ri = 0; ri < c->region_count; ri++) {
        const struct func_region *rg = &c->regions[ri];
        uint32_t o = 0;
        while (o < rg->size) {
            if (c->ins_count == c->ins_cap && !reserve_ins(c, c->ins_count + 1)) {
                goto done;
            }
            struct func_insn *r = &c->ins[c->ins_count];
            if (kin__dis_decode(&c->dis, rg->p + o, rg->size - o, rg->va + o, &d) == KIN_OK) {
                pack(c, &d, rg->p + o, rg->co + o, r);
            } else {
                /* Merge a run of undecodable bytes into one record. */
                if (c->ins_count > 0 && fi_flow(&c->ins[c->ins_count - 1]) == DIS_FLOW_INVALID &&
                    c->ins[c->ins_count - 1].co + c->ins[c->ins_count - 1].len == rg->co + o &&
                    c->ins[c->ins_count - 1].len < 255) {
                    c->ins[c->ins_count - 1].len++;
                    o++;
                    continue;
                }
                memset(r, 0, sizeof(*r));
                r->co = rg->co + o;
                r->len = 1;
                r->flow = DIS_FLOW_INVALID;
            }
            bm_set(c->istart, r->co);
            o += r->len;
            c->ins_count++;
        }
    }
done:
    c->sweep_count = c->ins_count;
    uint32_t acc = 0;
    for (size_t w = 0; w < c->words; w++) {
        c->rank[w] = acc;
        acc += (uint32_t)__builtin_popcountll(c->istart[w]);
    }
    return KIN_OK;
}

static uint32_t ov_hash(uint32_t co)
{
    return co * 0x9e3779b1u;
}

static int ov_insert(struct func_ctx *c, uint32_t co, uint32_t idx)
{
    if ((c->ov_count + 1) * 2 > c->ov_cap) {
        uint32_t ncap = c->ov_cap ? c->ov_cap * 2 : 1024;
        size_t bytes = (size_t)ncap * 8;
        if (c->mem_used + bytes > c->mem_budget) {
            c->limit_hit = 1;
            return 0;
        }
        uint32_t *k = kin__malloc((size_t)ncap * 4), *v = kin__malloc((size_t)ncap * 4);
        if (!k || !v) {
            kin__free(k);
            kin__free(v);
            return 0;
        }
        memset(k, 0xff, (size_t)ncap * 4);
        for (uint32_t i = 0; i < c->ov_cap; i++) {
            if (c->ov_keys[i] != FUNC_NONE) {
                uint32_t h = ov_hash(c->ov_keys[i]) & (ncap - 1);
                while (k[h] != FUNC_NONE) {
                    h = (h + 1) & (ncap - 1);
                }
                k[h] = c->ov_keys[i];
                v[h] = c->ov_vals[i];
            }
        }
        c->mem_used += bytes - (size_t)c->ov_cap * 8;
        kin__free(c->ov_keys);
        kin__free(c->ov_vals);
        c->ov_keys = k;
        c->ov_vals = v;
        c->ov_cap = ncap;
    }
    uint32_t h = ov_hash(co) & (c->ov_cap - 1);
    while (c->ov_keys[h] != FUNC_NONE) {
        h = (h + 1) & (c->ov_cap - 1);
    }
    c->ov_keys[h] = co;
    c->ov_vals[h] = idx;
    c->ov_count++;
    return 1;
}

uint32_t kin__func_insn_at(struct func_ctx *c, uint32_t co)
{
    if (co >= c->code_size) {
        return FUNC_NONE;
    }
    uint32_t w = co >> 6, b = co & 63;
    uint64_t bits = c->istart[w];
    if ((bits >> b) & 1u) {
        uint64_t below = b ? bits & (((uint64_t)1 << b) - 1) : 0;
        return c->rank[w] + (uint32_t)__builtin_popcountll(below);
    }
    if (c->ov_cap) {
        uint32_t h = ov_hash(co) & (c->ov_cap - 1);
        while (c->ov_keys[h] != FUNC_NONE) {
            if (c->ov_keys[h] == co) {
                return c->ov_vals[h];
            }
            h = (h + 1) & (c->ov_cap - 1);
        }
    }
    if (c->ins_count == c->ins_cap && !reserve_ins(c, c->ins_count + 1)) {
        return FUNC_NONE;
    }
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, co, &avail);
    struct dis_insn d;
    struct func_insn *r = &c->ins[c->ins_count];
    if (kin__dis_decode(&c->dis, p, avail, kin__func_va(c, co), &d) == KIN_OK) {
        pack(c, &d, p, co, r);
    } else {
        memset(r, 0, sizeof(*r));
        r->co = co;
        r->len = 1;
        r->flow = DIS_FLOW_INVALID;
    }
    if (!ov_insert(c, co, c->ins_count)) {
        return FUNC_NONE;
    }
    return c->ins_count++;
}
