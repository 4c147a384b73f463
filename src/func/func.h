/*
 * func.h: the function stage's interface: a loaded image in, function starts and per-function
 * control-flow graphs out.
 *
 * Every executable byte is decoded once, by a linear sweep, into a compact instruction cache
 * (struct func_insn, 16 bytes); code reached at an offset the sweep did not decode (overlapping
 * or misaligned code) is decoded on demand into the same cache. All later work walks the cache:
 * discovery (recursive descent from every known start, tail calls, jump tables, code pointers,
 * then a gap scan) collects function starts, and kin__func_body() rebuilds one function's blocks
 * and edges in scratch storage that the signature stage reads before asking for the next one.
 * Positions are "code offsets" (co): regions are laid end to end, so one 32-bit offset and one
 * bitmap bit per byte cover all executable bytes. Memory is a small multiple of the code size
 * and every loop is bounded by the caps of core/limits.h.
 */
#ifndef KIN_FUNC_H
#define KIN_FUNC_H

#include "../core/core.h"
#include "../disasm/disasm.h"
#include "../load/load.h"

/* An executable section's bytes present in the file. */
struct func_region {
    uint64_t va;
    const uint8_t *p; /* borrowed sample bytes */
    uint32_t size;    /* bytes */
    uint32_t co;      /* code offset of the first byte */
};

/* What struct func_insn.val holds (high nibble of .flow). */
enum func_val {
    FI_VAL_NONE = 0,
    FI_VAL_CODE = 1,  /* direct branch target, as a code offset */
    FI_VAL_OUT = 2,   /* direct branch target outside every region (low 32 bits of the VA) */
    FI_VAL_ADDR = 3,  /* address referenced (memory operand or address-like immediate) - img_lo */
    FI_VAL_CONST = 4, /* an immediate that is not an address (low 32 bits) */
};

/* Flags in the high nibble of struct func_insn.cls. */
#define FI_F_PAD   0x10u /* padding-style no-op (see DIS_F_PAD) */
#define FI_F_PRIV  0x20u /* privileged or obsolete: unexpected in compiled user code */
#define FI_F_ZERO  0x40u /* starts with two zero bytes (zero padding decodes as add [rax], al) */
#define FI_F_ADDRM 0x80u /* the masked bytes hold an absolute or rip-relative address */

/* One cached instruction: 16 bytes. */
struct func_insn {
    uint32_t co;  /* code offset of the first byte */
    uint32_t val; /* see enum func_val */
    uint32_t tok; /* normalised token (disasm.h) */
    uint8_t len;  /* bytes; for DIS_FLOW_INVALID records, the run of bytes that did not decode */
    uint8_t flow; /* low nibble enum dis_flow, high nibble enum func_val */
    uint8_t cls;  /* low nibble enum dis_class, high nibble FI_F_* */
    uint8_t mask; /* position-dependent bytes: (offset << 4) | length; 0 when none */
};

static inline unsigned fi_flow(const struct func_insn *r)
{
    return r->flow & 0xfu;
}
static inline unsigned fi_valkind(const struct func_insn *r)
{
    return r->flow >> 4;
}
static inline unsigned fi_class(const struct func_insn *r)
{
    return r->cls & 0xfu;
}

/* A function start found by discovery. */
struct func_start {
    uint32_t co;
    uint32_t flags;   /* KIN_FUNC_* */
    const char *name; /* borrowed (image or result arena); NULL when unknown */
    uint32_t import;  /* thunks: index + 1 of the import it jumps to; 0 otherwise */
    uint32_t noreturn;
};

/* One basic block of a function body, in address order. */
struct func_block {
    uint32_t first; /* index of its first instruction in func_body.insns */
    uint32_t count; /* instructions */
    uint32_t co;    /* code offset of its first byte */
    uint32_t size;  /* bytes */
    uint16_t indeg, outdeg;
};

/* A function's body: filled by kin__func_body(), valid until the next call. */
struct func_body {
    const uint32_t *insns; /* indices into ctx->ins, blocks in address order */
    uint32_t insn_count;
    const struct func_block *blocks;
    uint32_t block_count;
    uint32_t edge_count;
    uint32_t call_count;     /* call instructions */
    uint32_t api_call_count; /* calls (and tail jumps) to imports, directly or via thunks */
    const uint32_t *apis;    /* import indices called, in address order (repeats kept) */
    uint32_t api_count;
    uint32_t flags; /* KIN_FUNC_TRUNCATED */
    uint64_t size;  /* bytes covered by the blocks */
};

/* Growable array of uint32_t in kin__malloc storage (scratch, accounted in the budget). */
struct u32vec {
    uint32_t *v;
    uint32_t count, cap;
};

/* A recognised jump table: the indirect jump at jco and its targets. */
struct func_jt {
    uint32_t jco;
    uint32_t first; /* index into ctx->jt_targets */
    uint32_t count;
    uint32_t data_co; /* the table's bytes when they lie inside code, else FUNC_NONE */
    uint32_t data_len;
};

struct func_ctx {
    const struct kin_sample *s;
    const struct kin_image *img;
    const struct kin_analyze_options *opt;
    struct dis dis;
    int bits;
    uint64_t img_lo, img_hi; /* address range of the image: "looks like an address" */

    struct func_region *regions; /* sorted by va, disjoint */
    uint32_t region_count;
    uint32_t code_size; /* sum of region sizes */
    uint32_t last_region;

    /* Instruction cache: sweep records first (sorted by co), then on-demand ones. */
    struct func_insn *ins;
    uint32_t ins_count, ins_cap, sweep_count;
    uint64_t *istart; /* bit per byte: a sweep record starts here */
    uint32_t *rank;   /* per 64-byte word: index of its first sweep record */
    uint32_t *ov_keys, *ov_vals;
    uint32_t ov_cap, ov_count;

    /* Bitmaps, one bit per code byte. */
    uint64_t *gvis;   /* instruction start explored by discovery */
    uint64_t *cov;    /* byte covered by an explored instruction */
    uint64_t *fstart; /* function start */
    uint64_t *lvis;   /* instruction start in the body being built */
    uint64_t *lead;   /* block leader in the body being built */
    uint64_t *data;   /* byte known to be data (jump tables inside code) */
    uint64_t *noret;  /* function start known not to return */
    uint64_t *owned;  /* instruction start already in the body of an earlier function */
    size_t words;     /* uint64_t words per bitmap */

    /* Function starts (merged and sorted by co after discovery). */
    struct func_start *starts;
    uint32_t start_count, start_cap;

    /* Jump tables (sorted by jco after discovery). */
    struct func_jt *jts;
    uint32_t jt_count, jt_cap;
    struct u32vec jt_targets;

    /* Imports sorted by slot address, for call [slot] and thunks. */
    uint32_t *imp_by_slot;
    uint32_t imp_count;

    /* Scratch. */
    struct u32vec stack, trail, pend, pend_flags, seq, runs, leads, edges, apis, tmp;
    /* Jump targets taken for tail calls: of the current walk, and of committed walks. */
    struct u32vec tails, deferred;
    struct func_block *blocks;
    uint32_t block_cap;
    uint64_t body_work;      /* instructions visited by kin__func_body so far */
    uint64_t tentative_work; /* instructions visited by rejected discovery candidates */

    /* Memory accounting. */
    size_t mem_used, mem_budget;
    int limit_hit;           /* a cap or the budget stopped some work */
    struct arena *arena;     /* result arena (names) */
    struct anomaly_list *an; /* anomalies of the analysis */
};

/* Bitmap helpers. */
static inline int bm_get(const uint64_t *b, uint32_t i)
{
    return (int)((b[i >> 6] >> (i & 63)) & 1u);
}
static inline void bm_set(uint64_t *b, uint32_t i)
{
    b[i >> 6] |= (uint64_t)1 << (i & 63);
}
static inline void bm_clr(uint64_t *b, uint32_t i)
{
    b[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

#define FUNC_NONE 0xffffffffu

/* code.c: regions, the instruction cache, reads of the image. */
kin_status kin__func_ctx_init(struct func_ctx *c,
                              const struct kin_sample *s,
                              const struct kin_analyze_options *opt,
                              struct arena *result_arena,
                              struct anomaly_list *an);
void kin__func_ctx_release(struct func_ctx *c);
kin_status kin__func_sweep(struct func_ctx *c);
/* Code offset of va, or FUNC_NONE when it is not inside a region. */
uint32_t kin__func_co(struct func_ctx *c, uint64_t va);
uint64_t kin__func_va(const struct func_ctx *c, uint32_t co);
/* The region holding co (co must be valid). */
const struct func_region *kin__func_region(const struct func_ctx *c, uint32_t co);
/* Bytes at co (at most to the region's end): pointer and count. */
const uint8_t *kin__func_bytes(const struct func_ctx *c, uint32_t co, uint32_t *avail);
/* Index of the cached instruction starting at co, decoding it if needed; FUNC_NONE on failure. */
uint32_t kin__func_insn_at(struct func_ctx *c, uint32_t co);
/* Reads len bytes of the image at va from any section with file data. 1 on success. */
int kin__func_read(const struct func_ctx *c, uint64_t va, void *out, size_t len);
/* Scratch growth, accounted against the budget. 1 on success. */
int kin__func_grow(struct func_ctx *c, void **v, uint32_t *cap, uint32_t need, size_t elem);
int kin__u32_push(struct func_ctx *c, struct u32vec *v, uint32_t x);
void kin__u32_free(struct u32vec *v);
/* The import whose slot is at address va: index, or FUNC_NONE. */
uint32_t kin__func_import_at(const struct func_ctx *c, uint64_t va);
/*
 * The import an i386 ELF `jmp [ebx+d]` / `call [ebx+d]` at co reads (position-independent PLT
 * stubs and -fno-plt calls: ebx holds the GOT, DT_PLTGOT), or FUNC_NONE.
 */
uint32_t kin__func_got_import(struct func_ctx *c, uint32_t co);

/* discover.c: every function start, merged and sorted by co. */
kin_status kin__func_discover(struct func_ctx *c);
/*
 * goname.c: names starts that are Go pclntab entries and flags every start inside a Go function
 * with its origin (third party, runtime). Adds no start. Called at the end of discovery.
 */
void kin__func_go_names(struct func_ctx *c);
/* A start's index (binary search in the merged list), FUNC_NONE when co is no start. */
uint32_t kin__func_start_index(const struct func_ctx *c, uint32_t co);
/* 1 when the import's name is a function that does not return (exit, abort, ...). */
int kin__func_noreturn_name(const char *name);

/*
 * jumptable.c: targets of the indirect jump that ends the walk so far (trail: record indices in
 * walk order; the current run starts at run_begin). Appends them to targets and records the table.
 */
kin_status kin__func_jumptable(struct func_ctx *c,
                               const uint32_t *trail,
                               uint32_t trail_count,
                               uint32_t run_begin,
                               uint32_t fco,
                               struct u32vec *targets);
/* The targets recorded for the indirect jump at jco: first index and count. 0 when none. */
int kin__func_jt_find(const struct func_ctx *c, uint32_t jco, uint32_t *first, uint32_t *count);

/* body.c: rebuilds the body of start i; call for i = 0, 1, ... in order (bodies own code). */
kin_status kin__func_body(struct func_ctx *c, uint32_t i, struct func_body *out);

#endif /* KIN_FUNC_H */
