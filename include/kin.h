/*
 * kin.h: the whole public API of libkin.
 *
 * kin tells a malware analyst which known families and actors a binary shares code with. The
 * pipeline is load -> disasm -> func -> sig -> store -> match; this header exposes each stage an
 * embedding program needs. The library never prints, never exits and keeps no global mutable
 * state: every object may be used from one thread at a time, distinct objects from many.
 *
 * Ownership is written on every pointer that crosses this header. "Borrowed" pointers stay valid
 * until the object they came from is freed.
 */
#ifndef KIN_H
#define KIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KIN_BUILDING) && defined(__GNUC__)
#define KIN_API __attribute__((visibility("default")))
#else
#define KIN_API
#endif

#if defined(__GNUC__)
#define KIN_NODISCARD __attribute__((warn_unused_result))
#else
#define KIN_NODISCARD
#endif

#define KIN_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------------------------------------
 * Status codes. One list generates the enum, the names and the messages. Append only.
 */
#define KIN_STATUS_LIST(X)                          \
    X(OK, "success")                                \
    X(NOMEM, "out of memory")                       \
    X(LIMIT, "limit exceeded")                      \
    X(MALFORMED, "malformed input: nothing usable") \
    X(UNSUPPORTED, "unsupported file format")       \
    X(IO, "input/output error")                     \
    X(INVALID, "invalid argument")                  \
    X(NOTFOUND, "not found")                        \
    X(STORE, "index error")                         \
    X(SCHEMA, "index schema mismatch")              \
    X(TOOBIG, "file too large")

typedef enum kin_status {
#define KIN__STATUS_ENUM(name, msg) KIN_##name,
    KIN_STATUS_LIST(KIN__STATUS_ENUM)
#undef KIN__STATUS_ENUM
        KIN__STATUS_COUNT
} kin_status;

/** The symbolic name of a status ("NOMEM"); "UNKNOWN" for values outside the list. Thread-safe. */
KIN_API const char *kin_status_name(kin_status st);
/** A short English message for a status ("out of memory"). Thread-safe. */
KIN_API const char *kin_status_str(kin_status st);

/* ---------------------------------------------------------------------------------------------
 * Memory. Every allocation of the library goes through these hooks.
 */
typedef void *(*kin_malloc_fn)(size_t size);
typedef void *(*kin_realloc_fn)(void *p, size_t size);
typedef void (*kin_free_fn)(void *p);

/**
 * Replaces the allocator used by the library. Call before any other function, from one thread;
 * passing NULL for all three restores malloc/realloc/free. Returns KIN_INVALID when only some are
 * NULL.
 */
KIN_API KIN_NODISCARD kin_status kin_replace_allocator(kin_malloc_fn m,
                                                       kin_realloc_fn r,
                                                       kin_free_fn f);
/** Frees memory the library returned with an "OUT: caller frees with kin_free()" note. NULL ok. */
KIN_API void kin_free(void *p);

/* ---------------------------------------------------------------------------------------------
 * Loading. A sample is a file (PE, ELF or raw code) loaded into a read-only image description.
 * Malformed structures do not fail the load: each becomes an anomaly and parsing goes on with
 * what is usable. A load fails with KIN_MALFORMED only when nothing usable is left.
 */
enum kin_format {
    KIN_FORMAT_UNKNOWN = 0,
    KIN_FORMAT_PE = 1,
    KIN_FORMAT_ELF = 2,
    KIN_FORMAT_RAW = 3,
};

enum kin_arch {
    KIN_ARCH_UNKNOWN = 0,
    KIN_ARCH_X86 = 1,
    KIN_ARCH_X64 = 2,
    KIN_ARCH_ARM = 3,
    KIN_ARCH_ARM64 = 4,
    KIN_ARCH_MIPS = 5,
    KIN_ARCH_OTHER = 6,
};

/** Section flags (normalised from PE characteristics or ELF sh_flags). */
#define KIN_SEC_READ  0x1u
#define KIN_SEC_WRITE 0x2u
#define KIN_SEC_EXEC  0x4u
#define KIN_SEC_CODE  0x8u  /* PE IMAGE_SCN_CNT_CODE, ELF SHF_EXECINSTR */
#define KIN_SEC_ALLOC 0x10u /* occupies memory at run time */

struct kin_section {
    const char *name;   /* borrowed; NUL-terminated raw name (ELF: may point into the sample) */
    uint64_t va;        /* virtual address (PE: image base + RVA; ELF: sh_addr) */
    uint64_t vsize;     /* size in memory, bytes */
    uint64_t offset;    /* file offset of the raw data */
    uint64_t size;      /* raw size in the file, bytes, clipped to the file */
    uint32_t flags;     /* KIN_SEC_* */
    uint32_t raw_flags; /* PE Characteristics or ELF sh_flags (low 32 bits) */
    uint32_t type;      /* ELF sh_type; 0 for PE */
    double entropy;     /* Shannon entropy of the raw bytes, bits per byte (0..8) */
};

/** ELF program header (segment). */
struct kin_segment {
    uint32_t type;  /* p_type */
    uint32_t flags; /* p_flags */
    uint64_t offset;
    uint64_t filesz;
    uint64_t va;
    uint64_t memsz;
};

enum kin_symbol_type { KIN_SYM_OTHER = 0, KIN_SYM_FUNC = 1, KIN_SYM_OBJECT = 2 };
enum kin_symbol_source { KIN_SYMSRC_SYMTAB = 0, KIN_SYMSRC_DYNSYM = 1, KIN_SYMSRC_COFF = 2 };

struct kin_symbol {
    const char *name; /* borrowed */
    uint64_t va;
    uint64_t size;
    uint8_t type;   /* enum kin_symbol_type */
    uint8_t source; /* enum kin_symbol_source */
    uint8_t bind;   /* ELF STB_* */
    uint8_t defined;
};

#define KIN_IMPORT_BY_ORDINAL 0x1u
#define KIN_IMPORT_DELAY      0x2u

struct kin_import {
    const char *library; /* borrowed; DLL or shared object name as written in the file */
    const char *name;    /* borrowed; NULL when imported by ordinal */
    uint32_t ordinal;    /* valid with KIN_IMPORT_BY_ORDINAL */
    uint32_t hint;
    uint64_t slot_va; /* VA of the IAT slot the loader fills (what `call [slot]` reads) */
    uint32_t flags;   /* KIN_IMPORT_* */
};

struct kin_export {
    const char *name; /* borrowed; NULL for ordinal-only exports */
    uint32_t ordinal;
    uint64_t va;           /* 0 for forwarders */
    const char *forwarder; /* borrowed; "DLL.Name" for forwarded exports, else NULL */
};

enum kin_entry_kind { KIN_ENTRY_MAIN = 0, KIN_ENTRY_TLS_CALLBACK = 1, KIN_ENTRY_RAW = 2 };

struct kin_entry {
    uint64_t va;
    uint32_t kind; /* enum kin_entry_kind */
};

/** One x64 exception-directory (.pdata) RUNTIME_FUNCTION entry, as VAs. */
struct kin_runtime_function {
    uint64_t begin_va;
    uint64_t end_va;
    uint64_t unwind_va;
};

struct kin_reloc {
    uint64_t va;   /* address patched by the loader */
    uint32_t type; /* IMAGE_REL_BASED_* */
};

struct kin_rich_entry {
    uint16_t product_id;
    uint16_t build;
    uint32_t count;
};

struct kin_resource {
    uint32_t type_id;      /* numeric type (RT_*), 0 when named */
    const char *type_name; /* borrowed; named type, else NULL */
    uint32_t lang;
    uint64_t offset; /* file offset of the data, 0 when it lies outside the file */
    uint64_t size;
    double entropy;
};

/** PE-only facts. Zero when the image is not PE. */
struct kin_pe_info {
    uint64_t image_base;
    uint32_t timestamp;
    uint16_t machine;
    uint16_t characteristics;
    uint16_t subsystem;
    uint16_t dll_characteristics;
    uint16_t magic; /* 0x10b PE32, 0x20b PE32+ */
    uint16_t linker_major, linker_minor;
    uint32_t checksum;
    uint32_t pe_offset; /* e_lfanew */

    /* Rich header: decoded entries; rich_offset is 0 when absent. */
    const struct kin_rich_entry *rich; /* borrowed */
    size_t rich_count;
    uint32_t rich_key;
    uint64_t rich_offset;

    /* CodeView (RSDS/NB10) debug record. */
    const char *pdb_path; /* borrowed; NULL when absent */
    uint8_t pdb_guid[16];
    uint32_t pdb_age;
    uint32_t pdb_signature; /* NB10 only */

    const struct kin_runtime_function *pdata; /* borrowed; x64 exception directory */
    size_t pdata_count;
    const struct kin_reloc *relocs; /* borrowed; base relocations */
    size_t reloc_count;
    const struct kin_resource *resources; /* borrowed; leaves of the resource tree */
    size_t resource_count;

    uint64_t security_offset; /* Authenticode (WIN_CERTIFICATE) directory, file offset */
    uint64_t security_size;   /* 0 when the file carries no signature */
    uint64_t overlay_offset;  /* bytes past the last section's raw data */
    uint64_t overlay_size;    /* 0 when there is no overlay */

    uint32_t size_of_image;      /* SizeOfImage */
    uint32_t size_of_headers;    /* SizeOfHeaders */
    uint32_t section_alignment;  /* SectionAlignment */
    uint32_t file_alignment;     /* FileAlignment */
    uint32_t entry_rva;          /* AddressOfEntryPoint as written (0 in most DLLs) */
    uint32_t tls_callback_count; /* TLS callbacks found (also listed in kin_image.entries) */
    const char *dll_name; /* borrowed; the export directory's Name (the module's own name, e.g.
                             "libvips-42.dll"), NULL when absent */
};

/** ELF-only facts. Zero when the image is not ELF. */
struct kin_elf_info {
    uint8_t elfclass; /* 1 = 32-bit, 2 = 64-bit */
    uint8_t data;     /* 1 = little endian, 2 = big endian */
    uint8_t osabi;
    uint16_t type; /* e_type */
    uint16_t machine;
    const struct kin_segment *segments; /* borrowed */
    size_t segment_count;
    const char *const *needed; /* borrowed; DT_NEEDED names */
    size_t needed_count;
    const char *soname;      /* borrowed; NULL when absent */
    const char *interpreter; /* borrowed; PT_INTERP, NULL when absent */
    char build_id[129];      /* hex of NT_GNU_BUILD_ID, "" when absent */
    uint64_t pltgot;         /* DT_PLTGOT: the GOT PLT stubs jump through (i386 PIC: ebx), or 0 */
};

/** One malformed structure found while loading. */
struct kin_anomaly {
    const char *kind;    /* borrowed; stable short code such as "pe.section.past_eof" */
    uint64_t offset;     /* file offset where it was found */
    const char *message; /* borrowed; English sentence without the file name */
};

/** Whole-file hashes. Empty strings when not computed or not applicable. All forgeable. */
struct kin_file_hashes {
    char md5[33];
    char sha1[41];
    char sha256[65];
    char imphash[33];   /* pefile get_imphash(): md5 of "lib.func,..." lowercased */
    char rich_hash[33]; /* pefile get_rich_header_hash(): md5 of the decoded Rich data */
    char tlsh[73];      /* as Debian's `tlsh -f` prints (70 hex digits), "" for < 256 bytes */
    char ssdeep[160];   /* libfuzzy fuzzy_hash_buf() */
};

/** How a Go function's package relates to the program (from its name and the build info). */
enum kin_go_kind {
    KIN_GO_UNKNOWN = 0, /* a package kin cannot place (no build info, or not listed in it) */
    KIN_GO_MAIN = 1,    /* package main or the main module's own packages */
    KIN_GO_DEP = 2,     /* a third-party module: a `dep` of the build info, or a vendor/ path */
    KIN_GO_STD = 3,     /* the standard library, the runtime, compiler-generated code */
};

/** One function of Go's runtime symbol table (pclntab), kept even when the binary is stripped. */
struct kin_go_func {
    uint64_t va;      /* entry address */
    const char *name; /* borrowed; as the table spells it ("pkg/path.(*T).Method") */
    uint32_t kind;    /* enum kin_go_kind */
};

/** Go facts: the pclntab and the build info blob. Zero when the image is not a Go program. */
struct kin_go_info {
    uint32_t pclntab_version;        /* 12 (Go 1.2-1.15), 116, 118 (1.18-1.19), 120; 0: none */
    uint32_t ptr_size;               /* 4 or 8, from the pclntab header */
    uint64_t pclntab_offset;         /* file offset of the pclntab header */
    uint64_t text_start;             /* base of 1.18+ entry offsets (else the first entry) */
    uint64_t text_end;               /* end of the last function */
    const struct kin_go_func *funcs; /* borrowed; sorted by address */
    size_t func_count;
    const char *version;     /* borrowed; "go1.19.8" from the build info, NULL when absent */
    const char *main_path;   /* borrowed; the main package path ("path" line), or NULL */
    const char *main_module; /* borrowed; the main module path ("mod" line), or NULL */
    const char *const *deps; /* borrowed; module paths of the "dep" lines */
    size_t dep_count;
};

/** The read-only description of a loaded sample. Every pointer is borrowed from the sample. */
struct kin_image {
    uint32_t format; /* enum kin_format */
    uint32_t arch;   /* enum kin_arch */
    uint32_t bits;   /* 32 or 64; 0 when unknown */
    uint32_t big_endian;
    uint64_t file_size;
    uint64_t base; /* preferred load address (PE image base, ELF lowest PT_LOAD, raw --base) */

    const struct kin_section *sections;
    size_t section_count;
    const struct kin_entry *entries;
    size_t entry_count;
    const struct kin_symbol *symbols;
    size_t symbol_count;
    const struct kin_import *imports;
    size_t import_count;
    const struct kin_export *exports;
    size_t export_count;
    const struct kin_anomaly *anomalies;
    size_t anomaly_count;
    size_t anomalies_dropped; /* past the cap (KIN_MAX_ANOMALIES; "limit.*" get 32 more): counted */

    struct kin_pe_info pe;
    struct kin_elf_info elf;
    struct kin_file_hashes hashes;
    struct kin_go_info go;
};

/** Options for loading. Zero-initialise, then set what you need. */
struct kin_load_options {
    int raw;        /* treat the input as code, no container format */
    uint32_t arch;  /* raw mode: KIN_ARCH_X86 or KIN_ARCH_X64 */
    uint64_t base;  /* raw mode: address of the first byte */
    int skip_fuzzy; /* do not compute TLSH and ssdeep (they cost a pass over the file each) */
};

struct kin_sample;

/**
 * Loads a sample from a caller buffer. The bytes are borrowed: they must stay valid and unchanged
 * until kin_sample_free(). opts may be NULL.
 * Returns KIN_OK, KIN_NOMEM, KIN_TOOBIG (over KIN_MAX_FILE_SIZE), KIN_UNSUPPORTED (not a PE or ELF
 * file and not raw mode) or KIN_MALFORMED (recognised but nothing usable). On failure *out is NULL,
 * except for KIN_MALFORMED, where *out still holds the anomalies explaining why; free it.
 */
KIN_API KIN_NODISCARD kin_status kin_sample_load_mem(const uint8_t *data,
                                                     size_t size,
                                                     const struct kin_load_options *opts,
                                                     struct kin_sample **out);

/**
 * Maps the file at path read-only and loads it as kin_sample_load_mem() does. Also returns KIN_IO
 * when the file cannot be opened or mapped (errno is left set). The mapping is released by
 * kin_sample_free().
 */
KIN_API KIN_NODISCARD kin_status kin_sample_open(const char *path,
                                                 const struct kin_load_options *opts,
                                                 struct kin_sample **out);

/** Frees a sample and everything derived from it. NULL is accepted. */
KIN_API void kin_sample_free(struct kin_sample *s);

/** The image description of a loaded sample. Borrowed; valid until kin_sample_free(). */
KIN_API const struct kin_image *kin_sample_image(const struct kin_sample *s);

/**
 * The sample's bytes (the borrowed or mapped buffer). Borrowed; valid until kin_sample_free().
 */
KIN_API const uint8_t *kin_sample_data(const struct kin_sample *s, size_t *size);

/** Names for enum values, for printing. Never NULL. */
KIN_API const char *kin_format_name(uint32_t format);
KIN_API const char *kin_arch_name(uint32_t arch);

/* ---------------------------------------------------------------------------------------------
 * Functions and signatures (issue #3). kin_funcs_analyze() disassembles a loaded x86/x64 sample,
 * discovers its functions, builds each one's CFG and computes its signatures. The scheme version
 * is stored with every signature: hashes of different schemes are never compared.
 */
#define KIN_MINHASH_SIZE 64 /* 32-bit MinHash values per function */
#define KIN_LSH_BANDS    16 /* bands of KIN_MINHASH_SIZE / KIN_LSH_BANDS rows each */

/* Function flags. */
#define KIN_FUNC_SMALL     0x1u  /* too small to be meaningful evidence */
#define KIN_FUNC_THUNK     0x2u  /* a jmp [IAT] or jmp target thunk */
#define KIN_FUNC_EXPORT    0x4u  /* start is an exported address */
#define KIN_FUNC_SYMBOL    0x8u  /* start named by a symbol */
#define KIN_FUNC_ENTRY     0x10u /* program entry point or TLS callback */
#define KIN_FUNC_PDATA     0x20u /* start listed in the x64 exception directory */
#define KIN_FUNC_GAP       0x40u /* found by the gap scan (prologue heuristics) only */
#define KIN_FUNC_TRUNCATED 0x80u /* a cap stopped its analysis; signatures cover what was seen */
/*
 * Go programs: the function lies in a third-party module (a `dep` of the build info) or in the
 * standard library and runtime (pclntab and build info, issue #4). Attribution treats such
 * query functions as library code: never evidence.
 */
#define KIN_FUNC_THIRD_PARTY 0x100u
#define KIN_FUNC_RUNTIME     0x200u

struct kin_function {
    uint64_t va;    /* start address */
    uint64_t size;  /* bytes covered by its basic blocks */
    uint32_t flags; /* KIN_FUNC_* */
    uint32_t insn_count;
    uint32_t block_count;
    uint32_t edge_count;
    uint32_t call_count;
    uint32_t api_call_count;
    const char *name; /* borrowed; symbol, export, Go pclntab or "thunk:<dll>!<name>"; else NULL */
    uint64_t pichash; /* exact position-independent hash of the function's bytes */
    uint32_t minhash[KIN_MINHASH_SIZE]; /* fuzzy signature */
    const uint64_t *block_hashes;       /* borrowed; position-independent hash per basic block */
    const uint64_t *block_vas;          /* borrowed; start address per basic block, same order */
};

struct kin_funcs;

struct kin_analyze_options {
    int no_pdata;   /* ignore the x64 exception directory (benchmarks score against it) */
    int no_gapscan; /* skip the prologue gap scan */
};

/** The signature scheme version stamped on every pichash and MinHash kin computes. */
KIN_API uint32_t kin_sig_scheme_version(void);

/**
 * Finds the functions of a loaded sample and computes their signatures. The sample must outlive
 * the result. opts may be NULL. Returns KIN_OK (also for an empty result), KIN_NOMEM, or
 * KIN_UNSUPPORTED when the architecture is not x86/x64. Caps of limits.h bound the work.
 */
KIN_API KIN_NODISCARD kin_status kin_funcs_analyze(const struct kin_sample *s,
                                                   const struct kin_analyze_options *opts,
                                                   struct kin_funcs **out);
/** Frees an analysis. NULL is accepted. */
KIN_API void kin_funcs_free(struct kin_funcs *f);
/** Number of functions, sorted by address. */
KIN_API size_t kin_funcs_count(const struct kin_funcs *f);
/** The i-th function (i < count). Borrowed; valid until kin_funcs_free(). */
KIN_API const struct kin_function *kin_funcs_get(const struct kin_funcs *f, size_t i);
/**
 * Anomalies of the analysis (caps reached: "func.limit"). Borrowed; valid until kin_funcs_free().
 * *count receives their number.
 */
KIN_API const struct kin_anomaly *kin_funcs_anomalies(const struct kin_funcs *f, size_t *count);
/** Estimated Jaccard similarity of two MinHash signatures (0..1). */
KIN_API double kin_minhash_similarity(const uint32_t *a, const uint32_t *b);
/** LSH band values of a MinHash signature: out[KIN_LSH_BANDS]. */
KIN_API void kin_minhash_bands(const uint32_t *minhash, uint64_t *out);

/* ---------------------------------------------------------------------------------------------
 * Indicators (issue #5). kin_iocs_extract() finds the printable strings of a sample (ASCII and
 * UTF-16LE runs) and, in them, network and crypto-currency indicators and host artefacts. Each
 * indicator is validated where its format allows: Base58Check, Bech32/Bech32m, EIP-55, Monero's
 * Keccak checksum, the onion v3 checksum, the Public Suffix List for domains. A candidate that
 * fails its checksum is not an indicator: it is reported only when include_rejected is set.
 */
enum kin_ioc_type {
    KIN_IOC_URL = 0,
    KIN_IOC_DOMAIN = 1,
    KIN_IOC_IPV4 = 2,
    KIN_IOC_IPV6 = 3,
    KIN_IOC_EMAIL = 4,
    KIN_IOC_ONION = 5, /* Tor v2 (16 chars, unchecked) or v3 (56 chars, checksum) */
    KIN_IOC_BTC = 6,   /* Base58Check P2PKH/P2SH, Bech32 (v0) and Bech32m (v1+) */
    KIN_IOC_ETH = 7,   /* 0x + 40 hex digits; EIP-55 checksum when mixed case */
    KIN_IOC_XMR = 8,   /* Monero standard, integrated and subaddresses */
    KIN_IOC_PDB = 9,   /* debug-information path ending in .pdb */
    KIN_IOC_REGISTRY = 10,
    KIN_IOC_WINPATH = 11,
    KIN_IOC_UNIXPATH = 12,
    KIN_IOC_MUTEX = 13, /* Global\..., Local\..., Session\N\... */
    KIN_IOC_USERAGENT = 14,
    /* Module links, read from the headers rather than the strings (kin_iocs_extract() never
     * reports them): an index keeps them with a sample's indicators so that attribution can tie
     * a program to the modules it loads. Stored as the name's stem: lowercase, without directory,
     * extension (.dll, .so.N, ...) and trailing version numbers ("libvips-cpp-8.17.2.dll" and
     * "libvips-cpp.dll" are both "libvips-cpp"). */
    KIN_IOC_MODULE = 15, /* the name a file gives itself: PE export directory Name, DT_SONAME */
    KIN_IOC_LOADS = 16,  /* a module it imports from: PE import DLL name, DT_NEEDED */
    KIN__IOC_TYPE_COUNT
};

enum kin_ioc_validity {
    KIN_IOC_VALID = 0,           /* the checksum or the registry it belongs to confirms it */
    KIN_IOC_UNCHECKED = 1,       /* well-formed; the format has no checksum (or all-case EIP-55) */
    KIN_IOC_CHECKSUM_FAILED = 2, /* shaped like the type but its checksum is wrong */
    KIN_IOC_INVALID = 3,         /* checksum right, a rule broken (version, length, variant) */
};

enum kin_ioc_encoding { KIN_ENC_ASCII = 0, KIN_ENC_UTF16LE = 1 };

struct kin_ioc {
    uint32_t type;       /* enum kin_ioc_type */
    uint32_t validity;   /* enum kin_ioc_validity */
    uint32_t encoding;   /* enum kin_ioc_encoding */
    const char *value;   /* borrowed; printable ASCII as found (UTF-16LE decoded), NUL-ended */
    const char *detail;  /* borrowed; what it is: "p2pkh mainnet", "onion v3", ...; may be "" */
    const char *section; /* borrowed; section holding its first byte, NULL when none */
    uint64_t offset;     /* file offset of its first byte */
    uint64_t size;       /* bytes it covers in the file (two per character in UTF-16LE) */
};

/** Options for extraction. Zero-initialise, then set what you need. */
struct kin_ioc_options {
    uint32_t min_len;     /* shortest string examined, in characters; 0 means 6 */
    uint32_t types;       /* bit (1u << KIN_IOC_*) per wanted type; 0 means every type */
    int include_rejected; /* also list candidates that failed a checksum or a rule */
};

struct kin_iocs;

/**
 * Extracts the indicators of a loaded sample, each with the name of the section holding it. The
 * sample must outlive the result (section names are borrowed from it). opts may be NULL.
 * Returns KIN_OK (also when nothing was found) or KIN_NOMEM. Caps of limits.h bound the work;
 * kin_iocs_truncated() tells whether one was reached. Thread-safe on distinct results.
 */
KIN_API KIN_NODISCARD kin_status kin_iocs_extract(const struct kin_sample *s,
                                                  const struct kin_ioc_options *opts,
                                                  struct kin_iocs **out);
/**
 * Extracts the indicators of a buffer of size bytes (any content; no sections). The buffer is
 * only read during the call. Returns KIN_OK, KIN_NOMEM, KIN_INVALID (NULL data with a non-zero
 * size) or KIN_TOOBIG (over KIN_MAX_FILE_SIZE).
 */
KIN_API KIN_NODISCARD kin_status kin_iocs_extract_mem(const uint8_t *data,
                                                      size_t size,
                                                      const struct kin_ioc_options *opts,
                                                      struct kin_iocs **out);
/** Frees a result and everything in it. NULL is accepted. */
KIN_API void kin_iocs_free(struct kin_iocs *r);
/** Number of indicators, sorted by file offset. */
KIN_API size_t kin_iocs_count(const struct kin_iocs *r);
/** The i-th indicator (i < count). Borrowed; valid until kin_iocs_free(). */
KIN_API const struct kin_ioc *kin_iocs_get(const struct kin_iocs *r, size_t i);
/** Number of strings examined (ASCII and UTF-16LE runs of at least min_len characters). */
KIN_API uint64_t kin_iocs_string_count(const struct kin_iocs *r);
/** Non-zero when a cap (strings, indicators, memory) stopped the extraction early. */
KIN_API int kin_iocs_truncated(const struct kin_iocs *r);
/** Name of an indicator type ("url", "btc", ...); "unknown" outside the enum. Never NULL. */
KIN_API const char *kin_ioc_type_name(uint32_t type);
/** The type named name (as kin_ioc_type_name() spells it). KIN_OK or KIN_NOTFOUND. */
KIN_API KIN_NODISCARD kin_status kin_ioc_type_parse(const char *name, uint32_t *type);
/** "valid", "unchecked", "checksum-failed" or "invalid". Never NULL. */
KIN_API const char *kin_ioc_validity_name(uint32_t validity);
/** "ascii" or "utf16le". Never NULL. */
KIN_API const char *kin_ioc_encoding_name(uint32_t encoding);

/** The types the index keeps as evidence of kinship (every type but file paths). */
#define KIN_IOC_EVIDENCE_TYPES \
    (((1u << KIN__IOC_TYPE_COUNT) - 1u) & ~((1u << KIN_IOC_WINPATH) | (1u << KIN_IOC_UNIXPATH)))
/**
 * Whether value, an indicator of the given type, is on kin's built-in list of ubiquitous values
 * (certificate, CRL and OCSP hosts, schema and documentation hosts, loopback addresses, CI
 * build paths, runtime constants: src/ioc/common.c). Such values are never stored in an index
 * nor counted as evidence. Returns why, as a short English phrase (static), or NULL when the
 * value is not listed. The value is normalised first, as the index stores it. Thread-safe.
 */
KIN_API const char *kin_ioc_ubiquitous(uint32_t type, const char *value);

/* ---------------------------------------------------------------------------------------------
 * Index (issue #4). A labelled collection of samples and the signatures of their functions, in
 * one SQLite file (WAL mode: readers run while one writer adds). Actors own families; families
 * (malware, tool or library) own samples. Frequency statistics say how many samples and
 * families hold each hash, so rare code can weigh more than common code. An index holds one
 * signature scheme: adding with another is refused (KIN_SCHEMA) rather than mixing hashes.
 *
 * Objects: one struct kin_index is used by one thread at a time; open one per thread or process.
 * Failures leave a message in kin_index_errmsg(). Strings handed to callbacks are borrowed and
 * valid only during the call.
 */
struct kin_index;

#define KIN_INDEX_READONLY 0x1u /* never write (the file may be read-only) */
#define KIN_INDEX_CREATE   0x2u /* create the file and its schema when missing */

/**
 * Opens the index at path (":memory:" for a private in-memory index). A new or older-schema
 * index opened for writing is created or migrated; nothing else is ever written on open.
 * Returns KIN_OK; KIN_NOMEM; KIN_INVALID (bad argument); KIN_IO (missing file without
 * KIN_INDEX_CREATE, or unreadable); KIN_STORE (not an SQLite database, corrupt, or an SQLite
 * database that is not a kin index); KIN_SCHEMA (schema newer than this kin, or older and opened
 * read-only). Except for KIN_NOMEM and KIN_INVALID, *out is set even on failure: read the reason
 * with kin_index_errmsg(), then kin_index_close() it. The file is never modified on failure.
 */
KIN_API KIN_NODISCARD kin_status kin_index_open(const char *path,
                                                uint32_t flags,
                                                struct kin_index **out);
/**
 * Closes an index. A writable index first merges what is staged (kin_index_flush()); should
 * that fail, the staged samples stay staged for the next writer. NULL is accepted.
 */
KIN_API void kin_index_close(struct kin_index *idx);
/** English description of the last failure on idx ("" when none). Borrowed; never NULL. */
KIN_API const char *kin_index_errmsg(const struct kin_index *idx);

enum kin_family_kind {
    KIN_FAMILY_MALWARE = 0,
    KIN_FAMILY_TOOL = 1,
    KIN_FAMILY_LIBRARY = 2, /* runtime or library reference code: never counts as evidence */
};

/** Labels of a sample being added. Zero-initialise; every string may be NULL. Borrowed. */
struct kin_labels {
    const char *family;  /* family name or alias (kin_index_label()); created on first use */
    const char *actor;   /* actor of the family, name or alias; needs family; created on first
                            use */
    const char *version; /* version of the family this sample is */
    const char *source;  /* where it came from (a path or URL), for the analyst */
    uint32_t kind;       /* enum kin_family_kind, used when the family is created (another
                            kind than malware must match an existing family's) */
};

/**
 * Adds a loaded sample, its functions and its indicators (kin_iocs_extract(), evidence types
 * only) in one transaction: either all of it is stored or nothing is. Samples are identified by
 * sha256: when the index already holds it, nothing is written and *existed (may be NULL) is set to
 * 1, else 0. labels may be NULL. The sample's postings are staged: matching sees them after the
 * next merge, which happens by itself once enough is staged, on kin_index_flush() and on
 * kin_index_close(). Returns KIN_OK; KIN_NOMEM; KIN_INVALID (read-only index, actor without family,
 * or a family already tied to another actor or kind); KIN_LIMIT (more than KIN_MAX_FUNCTIONS
 * functions); KIN_SCHEMA (the index holds another signature scheme); KIN_STORE (database error).
 */
KIN_API KIN_NODISCARD kin_status kin_index_add_sample(struct kin_index *idx,
                                                      const struct kin_sample *s,
                                                      const struct kin_funcs *funcs,
                                                      const struct kin_labels *labels,
                                                      int *existed);
/**
 * kin_index_add_sample() for signatures computed elsewhere: img gives the sample's facts
 * (hashes.sha256 must be 64 hex digits; format, arch, file_size and the other hashes are
 * stored as given) and funcs[count] its functions, whose pichash and minhash are trusted to
 * be of this kin's signature scheme. Same statuses.
 */
KIN_API KIN_NODISCARD kin_status kin_index_add(struct kin_index *idx,
                                               const struct kin_image *img,
                                               const struct kin_function *funcs,
                                               size_t count,
                                               const struct kin_labels *labels,
                                               int *existed);
/**
 * kin_index_add_sample() with indicators extracted beforehand (for instance on the thread that
 * analysed the sample): iocs from kin_iocs_extract() on s, with any options (types outside
 * KIN_IOC_EVIDENCE_TYPES and rejected candidates are not kept), or NULL to store none. The index
 * keeps each distinct normalised value once per sample, strongest types first, at most
 * 1024 of them (KIN_MAX_SAMPLE_IOCS), never values kin_ioc_ubiquitous() lists. Same statuses.
 */
KIN_API KIN_NODISCARD kin_status kin_index_add_sample_iocs(struct kin_index *idx,
                                                           const struct kin_sample *s,
                                                           const struct kin_funcs *funcs,
                                                           const struct kin_iocs *iocs,
                                                           const struct kin_labels *labels,
                                                           int *existed);
/**
 * Merges the staged postings of every added sample into the searchable postings and updates the
 * frequency statistics, in one transaction (adding samples one by one in a B-tree keyed by hash
 * would write a page per hash). Call after a batch of adds. KIN_OK on a read-only index.
 */
KIN_API KIN_NODISCARD kin_status kin_index_flush(struct kin_index *idx);
/** Sets *found to 1 when the index holds the sample with this sha256 (lowercase hex), else 0. */
KIN_API KIN_NODISCARD kin_status kin_index_has_sample(struct kin_index *idx,
                                                      const char *sha256,
                                                      int *found);
/**
 * Removes one sample, its functions and their postings, updating the frequency statistics, in
 * one transaction. Returns KIN_OK, KIN_NOTFOUND, KIN_INVALID (read-only), KIN_SCHEMA (the index
 * holds another signature scheme), KIN_NOMEM or KIN_STORE.
 */
KIN_API KIN_NODISCARD kin_status kin_index_remove_sample(struct kin_index *idx, const char *sha256);
/**
 * Removes every sample of a family (one transaction per sample), then the family. *removed
 * (may be NULL) gets the number of samples removed. Returns KIN_NOTFOUND when no such family,
 * else as kin_index_remove_sample().
 */
KIN_API KIN_NODISCARD kin_status kin_index_remove_family(struct kin_index *idx,
                                                         const char *family,
                                                         size_t *removed);

/** One indexed sample, as listed by kin_index_samples(). Strings are "" when unknown. */
struct kin_index_sample {
    const char *sha256;
    const char *family;
    const char *actor;
    const char *version;
    const char *arch;
    const char *format;
    const char *source;
    const char *md5, *sha1, *imphash, *rich_hash, *tlsh, *ssdeep;
    int64_t first_seen; /* Unix time the index first added it */
    uint32_t scheme;    /* signature scheme version */
    uint64_t function_count;
    uint64_t code_size; /* bytes covered by its functions */
    uint64_t file_size;
};

/*
 * Families and actors as listed. Aliases (kin_index_label()) come as an array, and joined by
 * "; " in aliases for people (an alias never holds ';'). Borrowed for the callback.
 */
struct kin_index_family {
    const char *name;
    const char *actor; /* "" when none */
    const char *aliases;
    uint32_t kind; /* enum kin_family_kind */
    uint64_t sample_count;
    uint64_t function_count;
    const char *const *alias_list; /* alias_count aliases, in the order they were added */
    size_t alias_count;
};

struct kin_index_actor {
    const char *name;
    const char *aliases;
    uint64_t family_count;
    uint64_t sample_count;
    const char *const *alias_list;
    size_t alias_count;
};

/* Listing callbacks: return 0 to go on, non-zero to stop early (the listing returns KIN_OK). */
typedef int (*kin_index_sample_fn)(void *ctx, const struct kin_index_sample *s);
typedef int (*kin_index_family_fn)(void *ctx, const struct kin_index_family *f);
typedef int (*kin_index_actor_fn)(void *ctx, const struct kin_index_actor *a);

/** Lists samples ordered by family, version and sha256; family (may be NULL) filters. */
KIN_API KIN_NODISCARD kin_status kin_index_samples(struct kin_index *idx,
                                                   const char *family,
                                                   kin_index_sample_fn fn,
                                                   void *ctx);
/** Lists families by name. */
KIN_API KIN_NODISCARD kin_status kin_index_families(struct kin_index *idx,
                                                    kin_index_family_fn fn,
                                                    void *ctx);
/** Lists actors by name. */
KIN_API KIN_NODISCARD kin_status kin_index_actors(struct kin_index *idx,
                                                  kin_index_actor_fn fn,
                                                  void *ctx);

/** What kin_index_label() and kin_index_resolve() act on. */
enum kin_label_target { KIN_LABEL_ACTOR = 0, KIN_LABEL_FAMILY = 1 };

/** What kin_index_label() changes. Zero-initialise, then set what you need. Borrowed. */
struct kin_label_change {
    const char *const *add_aliases; /* aliases to add (whitespace normalised; no ';') */
    size_t add_alias_count;
    const char *const *remove_aliases; /* aliases to remove (matched case-insensitively) */
    size_t remove_alias_count;
    const char *actor; /* families: tie it to this actor (a name or alias; created when new),
                          moving it from its current actor, samples and all */
    int clear_actor;   /* families: tie it to no actor */
    int set_kind;      /* families: set its kind to kind */
    uint32_t kind;     /* enum kin_family_kind */
    int create;        /* create the family or actor when no name or alias resolves to it */
};

/**
 * Changes the labels of a family or an actor (target: enum kin_label_target) named by its name
 * or one of its aliases, in one transaction: removes aliases, then adds aliases, sets the
 * family's actor and kind. Names and aliases resolve case-insensitively (ASCII letters) once
 * whitespace is normalised: wherever the API takes a family or actor name (kin_index_add*(),
 * kin_index_remove_family(), kin_index_samples(), the exclusion filter of kin_attribute()), an
 * alias names its family or actor. An alias may not be the name or an alias of another family
 * (for a family) or of another actor (for an actor); adding an alias it already has, or its own
 * name, changes nothing. Returns KIN_OK; KIN_NOTFOUND (no such family or actor and not
 * c->create, or removing an alias it does not have); KIN_INVALID (read-only index, an alias
 * taken by another, an empty name or alias, a control character or ';' in one, an option that
 * does not apply to actors); KIN_LIMIT (more than 64 aliases, or one longer than 256 bytes:
 * KIN_MAX_ALIASES, KIN_MAX_LABEL_LEN); KIN_NOMEM; KIN_STORE. kin_index_errmsg() says which.
 */
KIN_API KIN_NODISCARD kin_status kin_index_label(struct kin_index *idx,
                                                 uint32_t target,
                                                 const char *name,
                                                 const struct kin_label_change *c);
/**
 * The canonical name of the family or actor that name (a name or an alias) resolves to, into
 * out[out_size]. Returns KIN_OK, KIN_NOTFOUND, KIN_INVALID (ambiguous: two names differing
 * only in case, from an index made before aliases) or KIN_STORE.
 */
KIN_API KIN_NODISCARD kin_status kin_index_resolve(
    struct kin_index *idx, uint32_t target, const char *name, char *out, size_t out_size);

/**
 * A value held by this many distinct families or more is ubiquitous: it is listed but does not
 * count as evidence (nor does a value held by a family of kind library).
 */
#define KIN_IOC_UBIQUITOUS_FAMILIES 4

/** An indexed sample holding an indicator, as kin_index_search_ioc() lists it. */
struct kin_index_ioc_hit {
    uint32_t type;      /* enum kin_ioc_type */
    const char *value;  /* the value as the index stores it (normalised) */
    const char *sha256; /* the sample holding it */
    const char *family; /* "" when unlabelled */
    const char *actor;  /* "" when none */
    const char *version;
    const char *section; /* where its first occurrence lies in that sample ("" when none) */
    uint64_t offset;     /* file offset of that occurrence */
    uint32_t encoding;   /* enum kin_ioc_encoding of that occurrence */
    uint64_t samples;    /* samples of the index holding the value */
    uint64_t families;   /* distinct families holding it */
    int ubiquitous;      /* held by KIN_IOC_UBIQUITOUS_FAMILIES families or more, or by a
                            library family: not evidence */
};

typedef int (*kin_index_ioc_fn)(void *ctx, const struct kin_index_ioc_hit *h);

/**
 * Lists the indexed samples holding an indicator equal to value, an exact match once value is
 * normalised as the index stores it, for each type in types (bits 1u << KIN_IOC_*; 0 means
 * KIN_IOC_EVIDENCE_TYPES), by type, family and sample. fn returns non-zero to stop. Strings
 * are borrowed for the call. Returns KIN_OK (also when nothing holds it), KIN_INVALID (NULL
 * argument), KIN_NOMEM or KIN_STORE.
 */
KIN_API KIN_NODISCARD kin_status kin_index_search_ioc(
    struct kin_index *idx, const char *value, uint32_t types, kin_index_ioc_fn fn, void *ctx);

struct kin_index_stats {
    uint64_t samples;
    uint64_t families;
    uint64_t actors;
    uint64_t functions;
    uint64_t pichashes;      /* distinct position-independent hashes */
    uint64_t band_values;    /* distinct (band, value) pairs */
    uint64_t db_size;        /* bytes on disk, write-ahead log included (0 in memory) */
    uint64_t staged_samples; /* added, not yet merged (invisible to matching) */
    uint32_t schema_version; /* PRAGMA user_version */
    uint32_t sig_scheme;     /* signature scheme of the index; 0 while it is empty */
    uint64_t indicators;     /* distinct indicator values (type, normalised value) */
};

/** Counts of the index. */
KIN_API KIN_NODISCARD kin_status kin_index_stats(struct kin_index *idx,
                                                 struct kin_index_stats *out);
/**
 * Recomputes the frequency statistics from the postings in one transaction (they are kept
 * incrementally; this repairs or verifies them). Returns KIN_INVALID on a read-only index.
 */
KIN_API KIN_NODISCARD kin_status kin_index_refresh_stats(struct kin_index *idx);

/* ---------------------------------------------------------------------------------------------
 * Ledger (issue #6). kin reads a Bitcoin Core blocks/ directory directly (blk*.dat, rev*.dat,
 * xor.dat), with no node running and no third party told which addresses matter: it frames the
 * records, links headers by previous hash and follows the chain with the most work (computed
 * from nBits); input values and scripts come from the undo files, so no UTXO set is held.
 * kin_ledger_watch() reports the payments to and spends from addresses (those `kin iocs` finds)
 * and follows withdrawn funds; kin_ledger_cluster() links addresses spent together. Amounts
 * are in satoshis. Malformed records, stale blocks and missing undo data become anomalies.
 *
 * A kin_ledger is used by one thread at a time. Results own their memory; every pointer in them
 * is borrowed until they are freed.
 */
enum kin_btc_network {
    KIN_BTC_UNKNOWN = 0,
    KIN_BTC_MAINNET = 1,
    KIN_BTC_TESTNET3 = 2,
    KIN_BTC_TESTNET4 = 3,
    KIN_BTC_SIGNET = 4,
    KIN_BTC_REGTEST = 5,
};

/** "mainnet", "testnet3", "testnet4", "signet", "regtest" or "unknown". Never NULL. */
KIN_API const char *kin_btc_network_name(uint32_t network);

/**
 * Whether s is a Bitcoin address kin can watch: Base58Check P2PKH/P2SH or a Bech32/Bech32m
 * segwit address, checksum included. *network (may be NULL) gets its network; every testnet
 * and signet share KIN_BTC_TESTNET3's prefixes. Returns KIN_OK or KIN_INVALID.
 */
KIN_API KIN_NODISCARD kin_status kin_btc_address_check(const char *s, uint32_t *network);

/** Options for opening a blocks directory. Zero-initialise, then set what you need. */
struct kin_ledger_options {
    uint32_t network; /* enum kin_btc_network; 0: the magic of the first record decides */
};

/** What kin_ledger_open() found. */
struct kin_ledger_info {
    uint32_t network;
    int obfuscated; /* xor.dat holds a non-zero key */
    uint64_t block_files, undo_files;
    uint64_t block_bytes, undo_bytes; /* sizes of the blk and rev files */
    uint64_t records;                 /* block records framed */
    uint64_t blocks;                  /* distinct blocks indexed (header and proof of work ok) */
    uint64_t chain_blocks;            /* blocks on the most-work chain */
    uint64_t stale_blocks;            /* indexed blocks off that chain */
    uint64_t roots;                   /* 1 when every block descends from one first block */
    uint64_t undo_records;            /* rev records framed */
    uint64_t undo_matched;            /* chain blocks whose undo record was found and verified */
    uint64_t first_height;            /* height of the chain's first block (0: genesis) */
    uint64_t tip_height;
    int64_t tip_time;   /* header time, Unix seconds */
    char tip_hash[65];  /* display order hex; "" when no block was found */
    char chainwork[65]; /* total work of the chain, hex as bitcoind prints it */
};

struct kin_ledger;

/**
 * Opens a Bitcoin Core blocks directory (the one holding blk00000.dat): lists and frames every
 * blk and rev file, indexes the block headers, selects the most-work chain and matches undo
 * records to its blocks (each checked by its checksum). Files are mapped read-only, a few at a
 * time. opts may be NULL. Returns KIN_OK; KIN_INVALID; KIN_IO (unreadable directory or file;
 * errno set); KIN_NOTFOUND (no blk*.dat); KIN_MALFORMED (no usable block; *out still holds the
 * anomalies saying why: close it); KIN_LIMIT (more files than KIN_MAX_LEDGER_FILES); KIN_NOMEM.
 */
KIN_API KIN_NODISCARD kin_status kin_ledger_open(const char *blocks_dir,
                                                 const struct kin_ledger_options *opts,
                                                 struct kin_ledger **out);
/** Where to reach a running node's JSON-RPC interface. Zero-initialise, then set. */
struct kin_rpc_options {
    const char *host;        /* "127.0.0.1" (an address or name) */
    uint16_t port;           /* 0 means 8332 */
    const char *cookie_file; /* the node's .cookie ("user:password"), or else: */
    const char *user;
    const char *password;
    uint32_t timeout_ms;  /* per call; 0 means 30 s */
    uint64_t from_height; /* first block scanned */
    uint64_t to_height;   /* last block scanned; 0 means the node's tip */
};

/**
 * Opens a running Bitcoin Core node through JSON-RPC (HTTP/1.1, Basic authentication) instead of
 * its files, to follow new blocks: scans then fetch each block of [from_height, to_height] with
 * getblock verbosity 0 (the bytes) and 3 (each input's previous output, as undo data gives it).
 * Watches and clusters work as on files. Returns KIN_OK; KIN_INVALID (options, or credentials
 * the node refused); KIN_IO (cannot connect, or the cookie file cannot be read); KIN_NOTFOUND
 * (the node answered with an error); KIN_MALFORMED (not a JSON-RPC answer); KIN_NOMEM. Except for
 * KIN_NOMEM and bad options, *out is set even on failure, with an anomaly saying why: close it.
 * from_height past the tip gives an empty range (nothing to scan yet), not an error.
 */
KIN_API KIN_NODISCARD kin_status kin_ledger_open_rpc(const struct kin_rpc_options *o,
                                                     struct kin_ledger **out);
/** Closes a ledger and unmaps its files. NULL is accepted. */
KIN_API void kin_ledger_close(struct kin_ledger *l);
/** Fills *out with what the open found. */
KIN_API void kin_ledger_get_info(const struct kin_ledger *l, struct kin_ledger_info *out);
/**
 * Anomalies of the open (kinds "ledger.*"; offset is the position in the file the message
 * names). Borrowed; valid until kin_ledger_close(). *count gets their number, *dropped (may be
 * NULL) how many more were counted past KIN_MAX_ANOMALIES.
 */
KIN_API const struct kin_anomaly *
kin_ledger_anomalies(const struct kin_ledger *l, size_t *count, size_t *dropped);

/** Daily prices (a CSV of date,price lines) to value transactions in a currency. */
struct kin_prices;

/**
 * Parses a price list: one "YYYY-MM-DD,price" per line (a header line, blank lines, '#'
 * comments, CRLF and quoted fields are accepted; a price may carry a decimal point). Returns
 * KIN_OK; KIN_MALFORMED (a bad line: *bad_line, may be NULL, gets its number, from 1);
 * KIN_LIMIT (more than KIN_MAX_LEDGER_PRICES lines); KIN_INVALID; KIN_NOMEM.
 */
KIN_API KIN_NODISCARD kin_status kin_prices_parse(const char *text,
                                                  size_t size,
                                                  struct kin_prices **out,
                                                  size_t *bad_line);
/** Frees a price list. NULL is accepted. */
KIN_API void kin_prices_free(struct kin_prices *p);
/**
 * The price on the UTC day of time (Unix seconds), or the latest earlier day's within 7 days.
 * Returns 1 and sets *price, or 0 when the list has none.
 */
KIN_API int kin_prices_at(const struct kin_prices *p, int64_t time, double *price);

/** Where a transaction is: its id and block, display-order hex. */
struct kin_ledger_txref {
    char txid[65];
    char block[65];
    uint64_t height;
    int64_t time; /* block header time, Unix seconds */
};

/** One output of a transaction. */
struct kin_ledger_output {
    const char *address; /* borrowed; "" for scripts without an address (OP_RETURN, multisig) */
    const char *type;    /* borrowed; "p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "p2pk", ... */
    uint32_t vout;
    uint64_t amount;
    int watched;  /* pays a watched address (change back, or another watched address) */
    int followed; /* kin follows this coin further (within the hop and fan-out bounds) */
};

/** A payment received by a watched address. */
struct kin_ledger_payment {
    struct kin_ledger_txref tx;
    uint32_t vout;
    uint64_t amount;
    int has_value;     /* a price was known for that day */
    double value;      /* amount times the price, in the price list's currency */
    int spent;         /* a later transaction of the chain spends it */
    char spent_by[65]; /* that transaction's id; "" when unspent */
};

/** A spend from a watched address: a withdrawal, and the alert it raises. */
struct kin_ledger_spend {
    struct kin_ledger_txref tx;
    uint64_t amount; /* value of the inputs that spend the address's coins */
    uint32_t inputs; /* how many of the transaction's inputs those are */
    uint64_t fee;    /* inputs minus outputs; 0 when an input value is unknown */
    int has_value;
    double value;
    const struct kin_ledger_output *outputs; /* borrowed; where the money went */
    size_t output_count;
    size_t outputs_omitted; /* outputs past KIN_MAX_LEDGER_LISTED, not listed */
};

/** The report of one watched address. */
struct kin_ledger_address {
    const char *address; /* borrowed; as given */
    const char *type;    /* borrowed; "p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "witness" */
    const struct kin_ledger_payment *payments; /* borrowed; chain order */
    size_t payment_count;
    const struct kin_ledger_spend *spends; /* borrowed; chain order */
    size_t spend_count;
    uint64_t received;  /* sum of payments */
    uint64_t withdrawn; /* sum of spends' amounts */
    int64_t balance;    /* received - withdrawn (negative when earlier payments are missing) */
    double received_value, withdrawn_value; /* with prices, over transactions that have one */
    uint64_t first_height, last_height;     /* first and last activity; 0 when none */
    int64_t first_time, last_time;
};

/** A withdrawal alert: spend `spend` of address `address` (indices into the watch result). */
struct kin_ledger_alert {
    size_t address;
    size_t spend;
};

/**
 * A transaction that moves followed funds further. Hop 1 spends coins a withdrawal created,
 * hop 2 coins a hop-1 transaction created, and so on.
 */
struct kin_ledger_flow {
    uint32_t hop;
    struct kin_ledger_txref tx;
    char from_txid[65]; /* the transaction that created the first followed coin spent */
    uint64_t amount_in; /* value of the followed coins it spends */
    const struct kin_ledger_output *outputs; /* borrowed */
    size_t output_count;
    size_t outputs_omitted; /* outputs past KIN_MAX_LEDGER_LISTED, not listed */
    int has_value;
    double value;  /* amount_in at that day's price */
    int truncated; /* more outputs than the fan-out bound: only the largest are followed */
};

/** Options of a watch. Zero-initialise, then set what you need. */
struct kin_watch_options {
    uint32_t follow; /* hops to follow withdrawn funds (0: none; at most KIN_MAX_LEDGER_HOPS) */
    uint32_t fanout; /* outputs followed per transaction, largest first; 0 means 8 */
    const struct kin_prices *prices; /* borrowed for the call; may be NULL */
};

/** Counters of a chain scan. */
struct kin_scan_stats {
    uint64_t blocks;
    uint64_t txs;
    uint64_t bytes;        /* block bytes decoded */
    uint64_t undo_missing; /* chain blocks scanned without undo data (spends found by outpoint) */
};

struct kin_watch;

/**
 * Scans the most-work chain once for count addresses (each a Bitcoin address, as
 * kin_btc_address_check() accepts; duplicates are reported once): every payment, every spend
 * with its destinations and, with opts->follow, the transactions that move the withdrawn funds
 * further. Memory grows with the number of watched and followed coins, not with the chain.
 * Returns KIN_OK; KIN_INVALID (an address does not decode: *bad, may be NULL, gets its index;
 * or no address, or more than KIN_MAX_LEDGER_WATCH); KIN_NOMEM; KIN_IO (a file vanished).
 * Caps reached give anomalies and kin_watch_truncated().
 */
KIN_API KIN_NODISCARD kin_status kin_ledger_watch(struct kin_ledger *l,
                                                  const char *const *addresses,
                                                  size_t count,
                                                  const struct kin_watch_options *opts,
                                                  struct kin_watch **out,
                                                  size_t *bad);
/** Frees a watch result. NULL is accepted. */
KIN_API void kin_watch_free(struct kin_watch *w);
/** Number of watched addresses (distinct, in the order given). */
KIN_API size_t kin_watch_address_count(const struct kin_watch *w);
/** Report of the i-th address. Borrowed; valid until kin_watch_free(). */
KIN_API const struct kin_ledger_address *kin_watch_address(const struct kin_watch *w, size_t i);
/** Withdrawal alerts in chain order. Borrowed. */
KIN_API const struct kin_ledger_alert *kin_watch_alerts(const struct kin_watch *w, size_t *count);
/** Followed transactions in chain order. Borrowed. */
KIN_API const struct kin_ledger_flow *kin_watch_flows(const struct kin_watch *w, size_t *count);
/** Anomalies of the scan (malformed blocks, undo mismatches, caps). Borrowed. */
KIN_API const struct kin_anomaly *kin_watch_anomalies(const struct kin_watch *w, size_t *count);
/** Scan counters. */
KIN_API void kin_watch_stats(const struct kin_watch *w, struct kin_scan_stats *out);
/** Non-zero when a cap stopped recording events or following coins. */
KIN_API int kin_watch_truncated(const struct kin_watch *w);

enum kin_link_kind {
    KIN_LINK_INPUTS = 0, /* spent together in one transaction (common-input ownership) */
    KIN_LINK_CHANGE = 1, /* a likely change output of a cluster transaction (soft) */
};

/** One piece of evidence of a cluster. */
struct kin_cluster_link {
    uint32_t kind;              /* enum kin_link_kind */
    const char *from;           /* borrowed; an address already in the cluster */
    const char *to;             /* borrowed; the address it links */
    struct kin_ledger_txref tx; /* the transaction that justifies the link */
    double score;               /* 1 for KIN_LINK_INPUTS; 0..1 for change */
    const char *reason;         /* borrowed; English, e.g. "spent together (3 inputs)" */
};

/** Options of a cluster. Zero-initialise. */
struct kin_cluster_options {
    uint32_t max_passes; /* passes over the chain at most (2 to 8: the last scores change); 0: 4 */
};

struct kin_cluster;

/**
 * The wallet cluster of an address: addresses spent together with it in one transaction, and
 * those spent together with them (union-find over passes of the chain until nothing joins),
 * where transactions that look like CoinJoins (several equal-value outputs) are not evidence.
 * Likely change outputs of the cluster's transactions are listed as scored soft links, not
 * merged. Returns KIN_OK, KIN_INVALID (address), KIN_NOMEM or KIN_IO.
 */
KIN_API KIN_NODISCARD kin_status kin_ledger_cluster(struct kin_ledger *l,
                                                    const char *address,
                                                    const struct kin_cluster_options *opts,
                                                    struct kin_cluster **out);
/** Frees a cluster. NULL is accepted. */
KIN_API void kin_cluster_free(struct kin_cluster *c);
/** The cluster's addresses, the asked one first. Borrowed. */
KIN_API const char *const *kin_cluster_addresses(const struct kin_cluster *c, size_t *count);
/** The evidence: one input link per joined address, then the change links. Borrowed. */
KIN_API const struct kin_cluster_link *kin_cluster_links(const struct kin_cluster *c,
                                                         size_t *count);
/** Transactions skipped as CoinJoin-like that spent a cluster address. */
KIN_API uint64_t kin_cluster_coinjoins(const struct kin_cluster *c);
/** Passes over the chain; *converged (may be NULL) is 1 when the last added no address. */
KIN_API uint32_t kin_cluster_passes(const struct kin_cluster *c, int *converged);
/** Anomalies of the scans. Borrowed. */
KIN_API const struct kin_anomaly *kin_cluster_anomalies(const struct kin_cluster *c, size_t *count);

/* ---------------------------------------------------------------------------------------------
 * Attribution (issue #4). kin_attribute() compares a sample's functions with an index and tells
 * which indexed families and actors share code with it, how much of that code is rare enough to
 * be evidence, and what kin concludes, at one of three claim levels (docs/ATTRIBUTION-ENGINE.md):
 * a variant of an indexed family, a new family tied by code to an indexed actor, or unattributed
 * (kin abstains). Code alone never reaches an organisation or a person: kin makes no such claim.
 *
 * Evidence is graded. Library code (any function also found in a family of kind library) never
 * counts, in the numerator or the denominator; code found in several families or actors counts
 * less the more widely it is shared; small functions and thunks are not evidence. Whole-file
 * similarity (TLSH, ssdeep, imphash, Rich hash) is forgeable: it is listed apart and never
 * carries a claim. Confidence is the STIX 2.1 integer (0-100); kin_confidence_stix() and
 * kin_confidence_icd203() give its words. ICD 203 forbids a confidence level and a likelihood
 * phrase in one sentence: print them apart.
 */
enum kin_verdict {
    KIN_VERDICT_UNATTRIBUTED = 0, /* weak, common or no shared code: kin abstains */
    KIN_VERDICT_KNOWN_FAMILY = 1, /* a variant of an indexed family (STIX variant-of) */
    KIN_VERDICT_KNOWN_ACTOR = 2,  /* a family not indexed, tied by code to an actor (authored-by) */
};

/** Options of an attribution. Zero-initialise, then set what you need. Strings are borrowed. */
struct kin_attribute_options {
    uint32_t top;          /* families and actors ranked in the report; 0 means 5 */
    uint32_t max_evidence; /* shared functions listed, strongest first; 0 means 100 */
    int no_whole_file;     /* do not compare TLSH, ssdeep, imphash and Rich hash */
    /*
     * Exclusion filter: match as if these samples, families and actors had never been added
     * (frequency statistics and caps included, so the result is the one an index built without
     * them would give). For what-if questions and leave-one-out benchmarks. Families and actors may
     * be named by an alias. Unknown names are ignored. The sample attributed is always excluded
     * when it is itself in the index.
     */
    const char *const *exclude_samples; /* sha256, lowercase hex */
    size_t exclude_sample_count;
    const char *const *exclude_families;
    size_t exclude_family_count;
    const char *const *exclude_actors;
    size_t exclude_actor_count;
};

/** A family or actor ranked by the code the sample shares with it. Shares are 0..1. */
struct kin_candidate {
    const char *name;    /* family or actor name */
    const char *actor;   /* a family's actor ("" when none); "" for actor candidates */
    double score;        /* share of the sample's non-library code it holds, weighted by rarity */
    double unique;       /* share of that code found in it (this family, or this actor) only */
    double matched;      /* share of that code it holds at all, without rarity weights */
    uint32_t confidence; /* STIX 0-100 that the sample belongs to it (a variant of the family,
                            or authored by the actor) */
    uint64_t functions;  /* the sample's evidence functions it holds */
    uint64_t unique_functions;  /* ... found in it only */
    uint64_t unique_size;       /* bytes of those */
    uint32_t families;          /* actor candidates: its families holding shared code */
    const char *best_sample;    /* sha256 of its sample sharing the most code ("" when none) */
    const char *best_version;   /* that sample's version ("" when unknown) */
    double best_sample_matched; /* share of the code that sample holds, unweighted */
    double size_ratio; /* families: that sample's code size over this sample's (0 when unknown);
                          far from 1, one program contains the other: not a variant */
    int linked;    /* actor candidates: a "loads" or "loaded-by" module link ties it to the sample
                      (struct kin_evidence_link), which lifted it in the ranking */
    uint32_t kind; /* families: enum kin_family_kind; actors: 0 */
    const char *const *aliases; /* its aliases (kin_index_label()) */
    size_t alias_count;
};

/** One function the sample shares with an indexed sample (its best match). */
struct kin_evidence_function {
    uint64_t va;        /* address in the attributed sample */
    uint64_t size;      /* bytes */
    const char *name;   /* its name when known (symbol, export), else NULL */
    const char *sample; /* sha256 of the indexed sample holding the match */
    uint64_t sample_va; /* address of the match there */
    const char *family; /* family of that sample ("" when unlabelled) */
    const char *actor;  /* its actor ("" when none) */
    int exact;          /* 1: same position-independent hash; 0: fuzzy (MinHash) */
    double similarity;  /* 1.0 when exact, else the MinHash Jaccard estimate */
    double weight;      /* rarity weight (0..1): 1 when found in one family only */
    uint32_t families;  /* families holding it (similar enough), this one included */
    uint32_t actors;    /* actors (or unaffiliated families) holding it */
};

/** Whole-file similarity with an indexed sample: forgeable, supporting evidence only. */
struct kin_evidence_file {
    const char *sample; /* sha256 of the indexed sample */
    const char *family; /* "" when unlabelled */
    const char *actor;  /* "" when none */
    const char *version;
    int tlsh_distance;   /* TLSH distance (0 = same; <= 100 similar); -1 when unavailable */
    int ssdeep_score;    /* ssdeep match score 0..100; -1 when unavailable */
    int imphash_equal;   /* 1 when both have the same non-empty imphash */
    int rich_hash_equal; /* 1 when both have the same non-empty Rich header hash */
};

/**
 * An indicator (issue #5) the sample shares with indexed samples: evidence apart from code.
 * A shared wallet, onion service, C2 host or build path is strong; indicators strengthen a
 * claim that code supports and never make a High-confidence claim alone (docs/decisions/0003-*.md).
 */
struct kin_evidence_indicator {
    const char *type;   /* kin_ioc_type_name() */
    const char *value;  /* the indicator, normalised as the index stores it */
    const char *sample; /* sha256 of an indexed sample holding it (the claimed family's first) */
    const char *family; /* that sample's family ("" when unlabelled) */
    uint32_t families;  /* labelled families holding it (excluded samples left out) */
    const char *actor;  /* that sample's actor ("" when none) */
    uint64_t samples;   /* indexed samples holding it (excluded samples left out) */
    int strong;         /* a wallet, an onion or C2 host, an e-mail address, a build path or a
                           mutex: a tie an author made; else weak (registry key, user agent) */
    int supports;       /* held by the claimed family or actor: it strengthened the claim */
    const char *ubiquitous; /* why it is no evidence (held by many families, by a library
                               family), NULL when it is evidence */
};

/**
 * A module link: the query and an indexed sample tied by module names in their headers (names
 * stored as stems, see KIN_IOC_MODULE). "loads": the query imports from a module the indexed
 * sample is (a component of the same tool set); "loaded-by": the indexed sample imports from
 * the module the query is; "same-name": both give themselves the same module name;
 * "same-import": both import from the same module, neither of them being it. Names are chosen
 * by whoever builds a file and generic ones recur: links rank candidates (a "loads" or
 * "loaded-by" link lifts its actor; "same-name" makes its family a possible version, and names
 * the family when the code cannot tell two families of one actor apart); no link makes a claim
 * on its own: a claim still needs the code (decision 0004).
 */
struct kin_evidence_link {
    const char *relation; /* "loads", "loaded-by", "same-name" or "same-import" */
    const char *module;   /* the module's stem */
    const char *sample;   /* sha256 of an indexed sample on the other end */
    const char *family;   /* its family ("" when unlabelled) */
    const char *actor;    /* its actor ("" when none) */
    const char *version;  /* its version ("" when none) */
    uint32_t families;    /* labelled families holding the name in that role (excluded left out) */
    uint64_t samples;     /* samples holding it in that role */
    const char *ubiquitous; /* why it ties nothing (many families, a library family), or NULL */
};

/** The result of one attribution. Every pointer is borrowed from its struct kin_attribution. */
struct kin_attribution_report {
    char sha256[65];        /* of the attributed sample */
    uint32_t verdict;       /* enum kin_verdict */
    const char *family;     /* claimed family (known-family), else NULL */
    const char *actor;      /* claimed actor (known-actor, or the claimed family's), else NULL */
    uint32_t confidence;    /* STIX 2.1 confidence in the claim; for unattributed, in the
                               strongest candidate, which stayed below the claim threshold */
    int circumstantial;     /* the claim rests on weak, common or forgeable evidence only */
    const char *indexed_as; /* the sample is itself indexed: its family ("" when unlabelled),
                               excluded from matching; NULL when it is not indexed */

    /* The sample's code: functions, and bytes covered by functions. */
    uint64_t functions;          /* all functions found */
    uint64_t evidence_functions; /* neither small nor thunks: the ones that can be evidence */
    uint64_t evidence_size;
    uint64_t library_functions; /* evidence functions matching a library family: left out */
    uint64_t library_size;
    uint64_t third_party_functions; /* of library_*: a Go program's third-party modules and */
    uint64_t third_party_size;      /* runtime, by the query's KIN_FUNC_THIRD_PARTY/_RUNTIME */
    uint64_t shared_functions;      /* non-library evidence functions matching any indexed sample */
    uint64_t shared_size;
    uint64_t common_functions; /* ... of which too widely held to weigh anything */
    uint64_t common_size;
    uint64_t repeated_functions; /* non-library evidence functions repeated within the sample
                                    itself (many near-identical copies: generated or template
                                    code): weightless, and not looked up */
    uint64_t repeated_size;

    const struct kin_candidate *families; /* ranked, at most options.top */
    size_t family_count;
    const struct kin_candidate *actors; /* ranked, at most options.top */
    size_t actor_count;
    const struct kin_evidence_function *evidence; /* strongest first */
    size_t evidence_count;
    size_t evidence_total;                      /* shared functions before the max_evidence cut */
    const struct kin_evidence_file *whole_file; /* best samples of the ranked families */
    size_t whole_file_count;
    const struct kin_evidence_indicator *indicators; /* evidence first, strongest first */
    size_t indicator_count;
    const char *const *caveats; /* English sentences: what weakens or limits the result */
    size_t caveat_count;
    const char *const *next_steps; /* English sentences: what an analyst should do next */
    size_t next_step_count;
    const struct kin_evidence_link *links; /* module links, ranking ties first */
    size_t link_count;

    /* Labels of the claim: aliases of the claimed family and actor, the family's kind. */
    const char *const *family_aliases;
    size_t family_alias_count;
    const char *const *actor_aliases;
    size_t actor_alias_count;
    uint32_t family_kind; /* enum kin_family_kind of the claimed family (a tool never names an
                             actor: docs/ATTRIBUTION-ENGINE.md) */
};

struct kin_attribution;

/**
 * Attributes a loaded sample whose functions were found by kin_funcs_analyze(). The index is
 * only read; it may be written by another connection meanwhile (matching sees merged samples).
 * opts may be NULL. *out is freed with kin_attribution_free().
 * Returns KIN_OK (also when nothing matches: the verdict is then unattributed), KIN_NOMEM,
 * KIN_INVALID (NULL argument), KIN_SCHEMA (the index holds another signature scheme) or
 * KIN_STORE (kin_index_errmsg() says why). Uses idx, so one thread at a time per index.
 */
KIN_API KIN_NODISCARD kin_status kin_attribute(struct kin_index *idx,
                                               const struct kin_sample *s,
                                               const struct kin_funcs *funcs,
                                               const struct kin_attribute_options *opts,
                                               struct kin_attribution **out);
/**
 * kin_attribute() for functions computed elsewhere: img gives the sample's facts (sha256 and
 * the whole-file hashes) and funcs[count] its functions, of this kin's signature scheme.
 */
KIN_API KIN_NODISCARD kin_status kin_attribute_functions(struct kin_index *idx,
                                                         const struct kin_image *img,
                                                         const struct kin_function *funcs,
                                                         size_t count,
                                                         const struct kin_attribute_options *opts,
                                                         struct kin_attribution **out);
/**
 * Attributes a sample the index already holds (by sha256) as if it were new: its stored
 * functions and hashes are the query and the sample itself is excluded. Same statuses, plus
 * KIN_NOTFOUND when the index does not hold it.
 */
KIN_API KIN_NODISCARD kin_status kin_attribute_indexed(struct kin_index *idx,
                                                       const char *sha256,
                                                       const struct kin_attribute_options *opts,
                                                       struct kin_attribution **out);
/** Frees an attribution. NULL is accepted. */
KIN_API void kin_attribution_free(struct kin_attribution *a);
/** The report of an attribution. Borrowed; valid until kin_attribution_free(). */
KIN_API const struct kin_attribution_report *
kin_attribution_report(const struct kin_attribution *a);

/** "unattributed", "known-family" or "known-actor"; "unknown" outside the enum. Never NULL. */
KIN_API const char *kin_verdict_name(uint32_t verdict);
/** STIX 2.1 None/Low/Med/High scale: "None" (0), "Low" (1-29), "Med" (30-69), "High" (70-100). */
KIN_API const char *kin_confidence_stix(uint32_t confidence);
/**
 * The DNI / ICD 203 likelihood phrase of a STIX confidence (STIX 2.1 Appendix A): "almost no
 * chance" (0-9), "very unlikely" (10-19), "unlikely" (20-39), "roughly even chance" (40-59),
 * "likely" (60-79), "very likely" (80-89), "almost certain" (90-100). Values above 100 read as 100.
 */
KIN_API const char *kin_confidence_icd203(uint32_t confidence);
/** TLSH distance of two digests (70 hex digits, "T1" prefix accepted); -1 when one is invalid. */
KIN_API int kin_tlsh_distance(const char *a, const char *b);
/** ssdeep match score (0..100) of two ssdeep digests; -1 when one is invalid. */
KIN_API int kin_ssdeep_compare(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif /* KIN_H */
