/*
 * limits.h: every cap kin puts on work and memory derived from an untrusted sample, in one place.
 *
 * A sample may be built to make a parser loop, recurse or allocate without end. Each collection a
 * stage builds from a sample is bounded by one of these caps; reaching one records an anomaly (or
 * returns KIN_LIMIT) and the stage goes on with what it has. Change them here and nowhere else.
 */
#ifndef KIN_CORE_LIMITS_H
#define KIN_CORE_LIMITS_H

/* Whole file. Larger files are refused with KIN_TOOBIG before any parsing. */
#define KIN_MAX_FILE_SIZE ((uint64_t)1 << 30) /* 1 GiB */

/*
 * Memory budget of one sample's arena: KIN_ARENA_BUDGET_FACTOR times the file size plus
 * KIN_ARENA_BUDGET_BASE bytes. Every structure derived from a sample lives in its arena, so this
 * bounds the memory any input can cost to a small multiple of its size (issue #2, item 6).
 */
#define KIN_ARENA_BUDGET_FACTOR 8u
#define KIN_ARENA_BUDGET_BASE   ((size_t)16 << 20) /* 16 MiB */

/* Loader (PE and ELF). */
#define KIN_MAX_SECTIONS        4096u /* PE allows 96 by spec (Windows loads up to 65535) */
#define KIN_MAX_SEGMENTS        4096u
#define KIN_MAX_IMPORT_DLLS     4096u  /* import descriptors per directory */
#define KIN_MAX_IMPORTS         65536u /* imported functions, all DLLs */
#define KIN_MAX_ELF_VERNEED     256u   /* needed-version records read from DT_VERNEED */
#define KIN_MAX_EXPORTS         65536u
#define KIN_MAX_RELOCS          1048576u
#define KIN_MAX_SYMBOLS         1048576u
#define KIN_MAX_NEEDED          1024u /* DT_NEEDED entries */
#define KIN_MAX_TLS_CALLBACKS   256u
#define KIN_MAX_RUNTIME_FUNCS   1048576u /* x64 .pdata entries */
#define KIN_MAX_DEBUG_ENTRIES   64u
#define KIN_MAX_RICH_ENTRIES    256u
#define KIN_MAX_RESOURCES       16384u /* resource leaves */
#define KIN_MAX_RESOURCE_DEPTH  3u     /* type / name / language, as Windows uses it */
#define KIN_MAX_STRING_LEN      4096u  /* any name read from a sample */
#define KIN_MAX_ANOMALIES       1024u  /* anomalies kept per sample; the rest are counted */
#define KIN_MAX_LIMIT_ANOMALIES 32u    /* extra room for "limit.*" anomalies past that cap */
#define KIN_MAX_ANOMALY_REPEATS 16u    /* anomalies of one kind from one table (ELF) */
#define KIN_MAX_NOTES           4096u  /* ELF notes examined per file */

/* PE loader work caps (src/load/pe/). */
#define KIN_MAX_IMPORT_THUNKS   1048576u /* import thunks read per sample, all tables */
#define KIN_MAX_RESOURCE_DIRS   4096u    /* resource directories visited */
#define KIN_MAX_RESOURCE_ITEMS  262144u  /* resource directory entries read, all levels */
#define KIN_ENTROPY_WORK_FACTOR 4u       /* entropy bytes per sample <= factor * size + 1 MiB */

/* Go programs (src/load/go/): the pclntab and the build info blob. */
#define KIN_MAX_GO_FUNCS         1048576u          /* pclntab functions kept */
#define KIN_MAX_GO_DEPS          4096u             /* dep modules read from the build info */
#define KIN_MAX_GO_MODINFO       ((size_t)1 << 20) /* bytes of the build info's module text */
#define KIN_GO_BUILDINFO_WINDOW  ((size_t)1 << 20) /* bytes of a data section searched for it */
#define KIN_MAX_GO_PCLNTAB_TRIES 64u /* candidate headers validated in a scan, per file */

/* Disassembly and function discovery (issue #3). */
#define KIN_MAX_FUNCTIONS      262144u
#define KIN_MAX_FUNC_INSNS     65536u     /* instructions in one function */
#define KIN_MAX_FUNC_BLOCKS    16384u     /* basic blocks in one function */
#define KIN_MAX_JUMPTABLE      4096u      /* entries read from one jump table */
#define KIN_MAX_INSNS_PER_FILE (1u << 26) /* total decode work per sample */
/*
 * Memory of one function analysis (instruction cache, bitmaps, scratch): KIN_FUNCS_BUDGET_FACTOR
 * times the executable bytes plus KIN_FUNCS_BUDGET_BASE. Typical code needs about 5 bytes per
 * code byte; the factor leaves room for adversarial runs of one-byte instructions.
 */
#define KIN_FUNCS_BUDGET_FACTOR 24u
#define KIN_FUNCS_BUDGET_BASE   ((size_t)32 << 20)
/* Instructions kin__func_body may visit in total, as a multiple of the decoded instructions. */
#define KIN_MAX_BODY_WORK_FACTOR 4u
#define KIN_MAX_BODY_WORK_BASE   (1u << 20)
/* Once that work is spent, each remaining function body stops after this many instructions. */
#define KIN_MAX_FUNC_INSNS_LATE 256u
/* Instructions that rejected discovery candidates may visit in total (then no more are tried). */
#define KIN_MAX_TENTATIVE_FACTOR 4u
#define KIN_MAX_TENTATIVE_BASE   (1u << 20)
#define KIN_MAX_JT_WINDOW        16u   /* instructions examined before an indirect jump */
#define KIN_MAX_JT_BACKSCAN      2048u /* earlier instructions searched for table bases */

/* Strings and indicators (issue #5). */
#define KIN_MAX_IOC_STRINGS    (1u << 24) /* strings examined per file */
#define KIN_MAX_IOCS           (1u << 20) /* indicators kept per file */
#define KIN_MAX_IOC_STRING_LEN 65536u     /* longer runs are examined in pieces of this size */
#define KIN_MAX_IOC_VALUE_LEN  2048u      /* longer candidates (URLs, paths) are not indicators */
#define KIN_MAX_SAMPLE_IOCS    1024u      /* distinct indicators the index keeps per sample */
#define KIN_MAX_IOC_HOLDERS    256u       /* samples listed per shared indicator in a lookup */
#define KIN_MAX_REPORT_IOCS    64u        /* shared indicators listed in an attribution report */
#define KIN_MAX_REPORT_LINKS   64u        /* module links listed in an attribution report */
#define KIN_MAX_SAMPLE_MODULES 256u       /* module names (own, loaded) kept per sample */

/* Bitcoin ledger (issue #6): block files, chain index, scans. */
#define KIN_MAX_LEDGER_FILES      100000u /* blk*.dat and rev*.dat each (mainnet 2025: ~5000) */
#define KIN_MAX_LEDGER_FILE_SIZE  ((uint64_t)1 << 32) /* larger blk/rev files are refused */
#define KIN_MAX_LEDGER_BLOCKS     (1u << 24)   /* block records indexed (mainnet 2025: ~900,000) */
#define KIN_MAX_LEDGER_BLOCK_SIZE 4000000u     /* Bitcoin's MAX_BLOCK_SERIALIZED_SIZE */
#define KIN_MAX_LEDGER_UNDO_SIZE  (32u << 20)  /* one rev*.dat record (Bitcoin's MAX_SIZE) */
#define KIN_MAX_LEDGER_UNDO_AHEAD 64u          /* undo records tried past the expected one */
#define KIN_MAX_LEDGER_WATCH      4096u        /* watched addresses per scan */
#define KIN_MAX_LEDGER_EVENTS     (1u << 20)   /* payments, spends and flows kept per scan */
#define KIN_MAX_LEDGER_LISTED     256u         /* outputs listed per spend or flow */
#define KIN_MAX_LEDGER_OUTPOINTS  (1u << 22)   /* watched and followed coins (outpoint set) */
#define KIN_MAX_LEDGER_HOPS       16u          /* --follow depth */
#define KIN_MAX_LEDGER_FANOUT     256u         /* outputs followed per transaction, at most */
#define KIN_MAX_LEDGER_CLUSTER    (1u << 20)   /* addresses in one cluster */
#define KIN_MAX_LEDGER_PASSES     8u           /* cluster passes over the chain */
#define KIN_MAX_LEDGER_RPC_SIZE   (256u << 20) /* one JSON-RPC answer (getblock verbosity 3) */
#define KIN_MAX_LEDGER_PRICES     200000u      /* lines of a price file */

/* Attribution (issue #4, src/match/). */
#define KIN_MAX_MATCH_HITS     (1u << 24) /* occurrences of query functions kept by stage 1 */
#define KIN_MAX_MATCH_POSTINGS (1u << 25) /* postings kept for the query's distinct keys */
#define KIN_MAX_MATCH_FETCH    (1u << 17) /* indexed functions read ahead for stage 2 (~40 MB) */

/*
 * Index lookups (issue #4). A key (pichash or band value) held by more functions than this is
 * boilerplate whatever the samples holding it: a lookup returns its frequency, never its
 * postings, which bounds the memory and time a query spends per key. Measured on the npm corpus
 * index (5.4 million functions): single band values held by 178,000 functions of 59 samples.
 */
#define KIN_MAX_POSTINGS_PER_KEY 4096u

/*
 * Labels (issue #4, src/store/store_labels.c): a family or actor name, and each alias, once its
 * whitespace is normalised, is at most KIN_MAX_LABEL_LEN bytes; a family or actor has at most
 * KIN_MAX_ALIASES aliases (threat reports list a dozen for the busiest actors).
 */
#define KIN_MAX_LABEL_LEN 256u
#define KIN_MAX_ALIASES   64u

#endif /* KIN_CORE_LIMITS_H */
