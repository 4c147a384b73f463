/*
 * pe_int.h: private interface of the PE loader (src/load/pe/). pe.c parses the headers and the
 * section table and builds the RVA map; every other pe_*.c file parses one data directory
 * through that map. All reads of sample bytes go through the map and span helpers below.
 *
 * Layout read here (PE/COFF specification, "PE Format", sections 2-3):
 *   0x00  IMAGE_DOS_HEADER  e_magic "MZ" ... e_lfanew (u32 at 0x3c)
 *   e_lfanew  "PE\0\0", IMAGE_FILE_HEADER (20 bytes), optional header (PE32 / PE32+),
 *             then SizeOfOptionalHeader bytes later the section table (40 bytes per entry).
 */
#ifndef KIN_LOAD_PE_INT_H
#define KIN_LOAD_PE_INT_H

#include "../../core/limits.h"
#include "../load.h"

#define PE_NUM_DIRS 16

/* Data directory indices (PE/COFF 3.4.3). */
enum pe_dir_index {
    PE_DIR_EXPORT = 0,
    PE_DIR_IMPORT = 1,
    PE_DIR_RESOURCE = 2,
    PE_DIR_EXCEPTION = 3,
    PE_DIR_SECURITY = 4,
    PE_DIR_BASERELOC = 5,
    PE_DIR_DEBUG = 6,
    PE_DIR_TLS = 9,
    PE_DIR_LOAD_CONFIG = 10,
    PE_DIR_BOUND_IMPORT = 11,
    PE_DIR_IAT = 12,
    PE_DIR_DELAY_IMPORT = 13,
};

#define PE_MACHINE_I386  0x014cu
#define PE_MACHINE_AMD64 0x8664u
#define PE_MACHINE_IA64  0x0200u

struct pe_dir {
    uint32_t rva; /* a file offset for PE_DIR_SECURITY */
    uint32_t size;
};

/* One section header as read from the table. */
struct pe_sect {
    uint32_t va;
    uint32_t vsize;
    uint32_t raw_ptr;
    uint32_t raw_size;
    uint32_t chr;
    uint64_t hdr_off; /* file offset of the header entry */
};

/*
 * One piece of the RVA map: RVAs [lo, hi) read from file offset raw + (rva - lo); bytes at or
 * past raw_end are not in the file (zero-filled memory). Pieces are sorted and disjoint.
 */
struct pe_piece {
    uint64_t lo, hi;
    uint64_t raw;
    uint64_t raw_end;
};

struct pe_ctx {
    struct load_ctx *c;
    struct span f; /* the whole file */
    uint64_t nt_off, opt_off, sect_off;
    uint16_t machine, opt_size, magic, characteristics;
    uint32_t nsections_declared;
    int is64;
    uint64_t base;
    uint32_t entry_rva, size_of_image, size_of_headers, file_align, sect_align;
    uint32_t symtab_off, symtab_count;
    uint32_t ndirs;
    struct pe_dir dirs[PE_NUM_DIRS];

    struct pe_sect *secs; /* arena; table order */
    size_t nsecs;
    struct pe_piece *map; /* arena; sorted by RVA */
    size_t nmap;

    uint64_t entropy_budget; /* bytes kin__pe_entropy() may still scan */
    int entropy_spent;
};

/* Where an RVA lies (kin__pe_map). */
enum pe_map_kind {
    PE_MAP_NONE = 0,    /* not in the image nor in the file */
    PE_MAP_SECTION = 1, /* inside a section, backed by file bytes */
    PE_MAP_VIRTUAL = 2, /* inside a section, past its raw data (zero-filled memory) */
    PE_MAP_FLAT = 3,    /* in no section, but below the file size: read 1:1 (headers) */
};

/*
 * Maps an RVA to a file offset. *off is where the RVA's byte would be in the file and *avail the
 * number of file bytes readable from there without leaving its section's raw data (0 for
 * PE_MAP_VIRTUAL and PE_MAP_NONE). RVAs at or past 2^32 are PE_MAP_NONE.
 */
int kin__pe_map(const struct pe_ctx *p, uint64_t rva, uint64_t *off, uint64_t *avail);

/* The file bytes available from rva, at most max of them; 0 when none are. */
int kin__pe_span_at(const struct pe_ctx *p, uint64_t rva, uint64_t max, struct span *out);
/* Exactly len bytes at rva, all backed by the file; 0 otherwise. */
int kin__pe_read(const struct pe_ctx *p, uint64_t rva, uint64_t len, struct span *out);
int kin__pe_u16(const struct pe_ctx *p, uint64_t rva, uint16_t *v);
int kin__pe_u32(const struct pe_ctx *p, uint64_t rva, uint32_t *v);
int kin__pe_u64(const struct pe_ctx *p, uint64_t rva, uint64_t *v);
/* A pointer-sized value (4 bytes in PE32, 8 in PE32+). */
int kin__pe_ptr(const struct pe_ctx *p, uint64_t rva, uint64_t *v);

/*
 * The NUL-terminated string at rva (at most max bytes, bounded by its section's raw data), copied
 * into the arena. Returns NULL when rva maps to no file byte or memory runs out (*nomem set).
 */
const char *kin__pe_string(const struct pe_ctx *p, uint64_t rva, size_t max, int *nomem);

/* An absolute VA to an RVA; 0 when va lies below the image base or 4 GiB or more above it. */
int kin__pe_va_to_rva(const struct pe_ctx *p, uint64_t va, uint64_t *rva);
/* The file offset of an RVA for anomaly reports (0 when unmapped). */
uint64_t kin__pe_off(const struct pe_ctx *p, uint64_t rva);

/*
 * The status after an allocation failed: KIN_OK (stop quietly; the sample's memory budget is
 * spent and load.c reports it) or KIN_NOMEM (real exhaustion, the load fails).
 */
kin_status kin__pe_nomem(const struct pe_ctx *p);

/*
 * Entropy of s into *out, charged to the sample's entropy budget (KIN_ENTROPY_WORK_FACTOR): many
 * sections or resources may cover the same bytes. Returns 0 (and *out = 0) once it is spent.
 */
int kin__pe_entropy(struct pe_ctx *p, struct span s, double *out);

#define PE_ANOMALY(p, kind, off, ...) LOAD_ANOMALY((p)->c, (kind), (off), __VA_ARGS__)

/* Directory parsers, one per file. Each returns KIN_OK or KIN_NOMEM. */
kin_status kin__pe_imports(struct pe_ctx *p);
kin_status kin__pe_delay_imports(struct pe_ctx *p);
kin_status kin__pe_imphash(struct pe_ctx *p);
kin_status kin__pe_exports(struct pe_ctx *p);
kin_status kin__pe_relocs(struct pe_ctx *p);
kin_status kin__pe_tls(struct pe_ctx *p);
kin_status kin__pe_pdata(struct pe_ctx *p);
kin_status kin__pe_debug(struct pe_ctx *p);
kin_status kin__pe_rich(struct pe_ctx *p);
kin_status kin__pe_resources(struct pe_ctx *p);

/* pefile's ordlookup tables (pe_ordnames.c): the name of ordinal ord of dll, or NULL. */
const char *kin__pe_ordinal_name(const char *dll, uint32_t ord);

#endif /* KIN_LOAD_PE_INT_H */
