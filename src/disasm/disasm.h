/*
 * disasm.h: the disassembly stage's interface: one x86/x64 instruction at a time, decoded into
 * caller storage (no allocation, no global state). Only src/disasm/ includes Zydis; ZyanStatus
 * is translated here and never leaves the stage. Later stages see a small, flat description of
 * each instruction: its length, how it moves control, what memory it addresses, which of its
 * bytes depend on where the code sits (masked by the exact hash), and a normalised token for
 * fuzzy signatures.
 */
#ifndef KIN_DISASM_H
#define KIN_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

/* How an instruction moves control. */
enum dis_flow {
    DIS_FLOW_NONE = 0, /* falls through (also int n, syscall: the kernel returns) */
    DIS_FLOW_JMP,      /* direct unconditional jump; target set */
    DIS_FLOW_JCC,      /* direct conditional jump, loop, jecxz; target set */
    DIS_FLOW_CALL,     /* direct call; target set */
    DIS_FLOW_RET,      /* ret, retf, iret, sysret, sysexit */
    DIS_FLOW_JMP_IND,  /* jmp through a register or memory, far jmp */
    DIS_FLOW_CALL_IND, /* call through a register or memory, far call */
    DIS_FLOW_INT3,     /* int3: debugger trap, padding in MSVC code */
    DIS_FLOW_HLT,      /* hlt: privileged, ends a path */
    DIS_FLOW_UD,       /* ud0/ud1/ud2: deliberate invalid opcode, ends a path */
    DIS_FLOW_INVALID,  /* bytes that do not decode (only in records, never from decode) */
};

/* Coarse instruction classes, for structural (CFG block) features. */
enum dis_class {
    DIS_CLS_OTHER = 0,
    DIS_CLS_MOV,    /* mov, movzx, movsx, cmov, xchg, set */
    DIS_CLS_LEA,    /* lea */
    DIS_CLS_ARITH,  /* add, sub, inc, dec, neg, adc, sbb, mul, imul, div, idiv */
    DIS_CLS_LOGIC,  /* and, or, xor, not, shifts, rotations, bit tests */
    DIS_CLS_CMP,    /* cmp, test */
    DIS_CLS_STACK,  /* push, pop, enter, leave */
    DIS_CLS_BRANCH, /* jmp, jcc, loop */
    DIS_CLS_CALL,   /* call */
    DIS_CLS_RET,    /* ret and friends */
    DIS_CLS_STRING, /* movs, stos, cmps, scas, lods */
    DIS_CLS_FPU,    /* x87 */
    DIS_CLS_SIMD,   /* MMX, SSE, AVX */
    DIS_CLS_NOP,    /* nop, endbr, pause, fnop */
    DIS_CLS_SYS,    /* privileged, I/O, system, segment and rarely compiled instructions */
    DIS_CLS_COUNT
};

/* The memory operand's addressing form (at most one per x86 instruction). */
enum dis_mem {
    DIS_MEM_NONE = 0,
    DIS_MEM_BASE,  /* [base + index*scale + disp]: register based */
    DIS_MEM_RIP,   /* [rip + disp32]: addr is the absolute address */
    DIS_MEM_ABS,   /* [disp]: absolute address, no register; addr is it */
    DIS_MEM_INDEX, /* [index*scale + disp32], no base: the shape of a jump or pointer table */
};

/* Instruction flags. */
#define DIS_F_IMM_REL   0x01u /* the immediate is a relative branch displacement */
#define DIS_F_LEA       0x02u /* the memory operand only computes an address (lea) */
#define DIS_F_STACKMEM  0x04u /* the memory operand is based on esp/ebp/rsp/rbp */
#define DIS_F_PAD       0x08u /* a no-op compilers use as alignment padding (nop, int3, lea x,[x]) */
#define DIS_F_MODRM_REG 0x10u /* has a ModRM byte in register form (mod == 3) */
#define DIS_F_PRIV      0x20u /* privileged or I/O: not expected in user-mode compiled code */
#define DIS_F_FAR       0x40u /* far transfer (ptr16:32 or m16:32) */

#define DIS_REG_NONE 0xffu

/* One decoded instruction. All fields are plain data; offsets are from the instruction start. */
struct dis_insn {
    uint64_t va;     /* address of the first byte */
    uint64_t target; /* DIS_FLOW_JMP/JCC/CALL: branch target */
    uint64_t addr;   /* DIS_MEM_RIP/ABS/INDEX: the absolute address (disp, or rip + disp) */
    int64_t disp;    /* displacement value, sign-extended */
    uint64_t imm;    /* first immediate, sign-extended when the encoding is signed */
    uint32_t token;  /* normalised token (mnemonic class + operand kinds), see dis_token() */
    uint16_t mnemonic;
    uint8_t length;
    uint8_t flow;      /* enum dis_flow */
    uint8_t cls;       /* enum dis_class */
    uint8_t mem;       /* enum dis_mem */
    uint8_t mem_base;  /* register number 0..15 (rax..r15), DIS_REG_NONE */
    uint8_t mem_index; /* register number 0..15, DIS_REG_NONE */
    uint8_t mem_scale; /* 1, 2, 4, 8 (0 without index) */
    uint8_t disp_off;  /* byte offset of the displacement, 0 when absent */
    uint8_t disp_size; /* bytes: 0, 1, 2, 4 (8 for moffs64) */
    uint8_t imm_off;   /* byte offset of the first immediate, 0 when absent */
    uint8_t imm_size;  /* bytes: 0, 1, 2, 4, 8 */
    uint8_t opwidth;   /* effective operand width, bits */
    uint8_t flags;     /* DIS_F_* */
};

/*
 * Register operands of an instruction, for the rare places that need them (jump-table slices).
 * Register numbers are 0..15 for general-purpose registers (any width), DIS_REG_NONE otherwise.
 */
struct dis_ops {
    uint8_t count;
    uint8_t kind[4];  /* 0 none, 1 register, 2 memory, 3 immediate */
    uint8_t reg[4];   /* register number for kind 1 */
    uint8_t width[4]; /* operand width in bits */
    uint8_t written;  /* bit i: operand i is written */
};

/* Decoder state: caller storage, set up by kin__dis_init(), read-only afterwards. */
#define DIS_MNEMONIC_TABLE 2048u
struct dis {
    uint64_t zydis[4]; /* a ZydisDecoder (checked at compile time in disasm.c) */
    uint64_t zydis_full[4];
    int bits;
    uint32_t mtok[DIS_MNEMONIC_TABLE];  /* hash of the canonical mnemonic name */
    uint8_t mflow[DIS_MNEMONIC_TABLE];  /* flow kind implied by the mnemonic */
    uint8_t mclass[DIS_MNEMONIC_TABLE]; /* enum dis_class */
};

/* Prepares a decoder for 32- or 64-bit code. KIN_INVALID for other widths. */
KIN_NODISCARD kin_status kin__dis_init(struct dis *d, int bits);

/*
 * Decodes the instruction at p (n bytes available) located at va. Returns KIN_OK, or
 * KIN_MALFORMED when the bytes are not a valid instruction or it is cut by the end of the buffer
 * (out->length is then 0). Never allocates; thread-safe for distinct outputs.
 */
KIN_NODISCARD kin_status
kin__dis_decode(const struct dis *d, const uint8_t *p, size_t n, uint64_t va, struct dis_insn *out);

/* Decodes the instruction's explicit operands (slow path). KIN_OK or KIN_MALFORMED. */
KIN_NODISCARD kin_status kin__dis_operands(const struct dis *d,
                                           const uint8_t *p,
                                           size_t n,
                                           struct dis_ops *out);

/* The mnemonic's name ("mov"), for diagnostics and tests. Never NULL. */
const char *kin__dis_mnemonic_name(uint16_t mnemonic);

/*
 * The normalised token of an instruction: the canonical mnemonic (conditional jumps, cmovcc and
 * setcc merged) combined with the operand form (register, memory, immediate, width class). It is
 * a 32-bit hash of names, so it does not depend on Zydis' enum numbering.
 */
static inline uint32_t kin__dis_token(uint32_t mnemonic_hash, uint32_t form)
{
    uint32_t h = mnemonic_hash ^ (form * 0x9e3779b1u);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

#endif /* KIN_DISASM_H */
