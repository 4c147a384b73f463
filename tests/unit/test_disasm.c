/*
 * test_disasm.c: the disasm stage on hand-assembled instructions (bytes from the Intel SDM
 * encodings, checked against objdump): lengths, flow kinds, targets, memory forms, the offsets
 * of position-dependent fields, tokens, and failures on invalid or cut instructions.
 */
#include "check.h"
#include "disasm/disasm.h"

static struct dis d64, d32;

static struct dis_insn dec(const struct dis *d, const uint8_t *p, size_t n, uint64_t va)
{
    struct dis_insn in;
    CHECK_OK(kin__dis_decode(d, p, n, va, &in));
    return in;
}

static void test_branches(void)
{
    static const uint8_t call[] = {0xe8, 0x10, 0x00, 0x00, 0x00};
    struct dis_insn in = dec(&d64, call, sizeof(call), 0x1000);
    CHECK_EQ_U64(in.length, 5);
    CHECK_EQ_U64(in.flow, DIS_FLOW_CALL);
    CHECK_EQ_U64(in.target, 0x1015);
    CHECK(in.flags & DIS_F_IMM_REL);
    CHECK_EQ_U64(in.imm_off, 1);
    CHECK_EQ_U64(in.imm_size, 4);

    static const uint8_t jz[] = {0x74, 0xfe}; /* jz $ */
    in = dec(&d64, jz, sizeof(jz), 0x2000);
    CHECK_EQ_U64(in.flow, DIS_FLOW_JCC);
    CHECK_EQ_U64(in.target, 0x2000);
    static const uint8_t jnz[] = {0x75, 0x10};
    struct dis_insn in2 = dec(&d64, jnz, sizeof(jnz), 0x2000);
    CHECK_EQ_U64(in.token, in2.token); /* conditions are merged into one token */

    static const uint8_t jmp32[] = {0xeb, 0xfe};
    in = dec(&d32, jmp32, sizeof(jmp32), 0xfffffff0u);
    CHECK_EQ_U64(in.flow, DIS_FLOW_JMP);
    CHECK_EQ_U64(in.target, 0xfffffff0u);

    static const uint8_t loop[] = {0xe2, 0xfe};
    CHECK_EQ_U64(dec(&d32, loop, 2, 0x100).flow, DIS_FLOW_JCC);

    static const uint8_t ret[] = {0xc3}, int3[] = {0xcc}, ud2[] = {0x0f, 0x0b}, hlt[] = {0xf4};
    CHECK_EQ_U64(dec(&d64, ret, 1, 0).flow, DIS_FLOW_RET);
    in = dec(&d64, int3, 1, 0);
    CHECK_EQ_U64(in.flow, DIS_FLOW_INT3);
    CHECK(in.flags & DIS_F_PAD);
    CHECK_EQ_U64(dec(&d64, ud2, 2, 0).flow, DIS_FLOW_UD);
    in = dec(&d64, hlt, 1, 0);
    CHECK_EQ_U64(in.flow, DIS_FLOW_HLT);
    CHECK(in.flags & DIS_F_PRIV);

    static const uint8_t jmpreg[] = {0xff, 0xe0}; /* jmp rax */
    in = dec(&d64, jmpreg, 2, 0);
    CHECK_EQ_U64(in.flow, DIS_FLOW_JMP_IND);
    CHECK_EQ_U64(in.mem, DIS_MEM_NONE);
    CHECK(!(in.flags & DIS_F_FAR));

    static const uint8_t callfar[] = {0x9a, 0x00, 0x10, 0x00, 0x00, 0x08, 0x00};
    in = dec(&d32, callfar, sizeof(callfar), 0);
    CHECK_EQ_U64(in.flow, DIS_FLOW_CALL_IND);
    CHECK(in.flags & DIS_F_FAR);
}

static void test_memory(void)
{
    /* call [rip+0x2000] */
    static const uint8_t callrip[] = {0xff, 0x15, 0x00, 0x20, 0x00, 0x00};
    struct dis_insn in = dec(&d64, callrip, sizeof(callrip), 0x140001000ULL);
    CHECK_EQ_U64(in.flow, DIS_FLOW_CALL_IND);
    CHECK_EQ_U64(in.mem, DIS_MEM_RIP);
    CHECK_EQ_U64(in.addr, 0x140003006ULL);
    CHECK_EQ_U64(in.disp_off, 2);
    CHECK_EQ_U64(in.disp_size, 4);

    /* jmp [eax*4 + 0x401000] */
    static const uint8_t jt[] = {0xff, 0x24, 0x85, 0x00, 0x10, 0x40, 0x00};
    in = dec(&d32, jt, sizeof(jt), 0x400000);
    CHECK_EQ_U64(in.flow, DIS_FLOW_JMP_IND);
    CHECK_EQ_U64(in.mem, DIS_MEM_INDEX);
    CHECK_EQ_U64(in.mem_index, 0);
    CHECK_EQ_U64(in.mem_scale, 4);
    CHECK_EQ_U64(in.addr, 0x401000);
    CHECK_EQ_U64(in.disp_off, 3);

    /* mov eax, [0x404000] (moffs) and mov eax, [ebp-8] */
    static const uint8_t moffs[] = {0xa1, 0x00, 0x40, 0x40, 0x00};
    in = dec(&d32, moffs, sizeof(moffs), 0);
    CHECK_EQ_U64(in.mem, DIS_MEM_ABS);
    CHECK_EQ_U64(in.addr, 0x404000);
    static const uint8_t local[] = {0x8b, 0x45, 0xf8};
    in = dec(&d32, local, sizeof(local), 0);
    CHECK_EQ_U64(in.mem, DIS_MEM_BASE);
    CHECK_EQ_U64(in.mem_base, 5);
    CHECK(in.flags & DIS_F_STACKMEM);

    /* mov r13, [r12 + r9*8 + 0x10]: REX.B and REX.X extend base and index */
    static const uint8_t rex[] = {0x4f, 0x8b, 0x6c, 0xcc, 0x10};
    in = dec(&d64, rex, sizeof(rex), 0);
    CHECK_EQ_U64(in.mem_base, 12);
    CHECK_EQ_U64(in.mem_index, 9);
    CHECK_EQ_U64(in.mem_scale, 8);

    /* push 0x401000 / push -1: immediates and their offsets */
    static const uint8_t push[] = {0x68, 0x00, 0x10, 0x40, 0x00};
    in = dec(&d32, push, sizeof(push), 0);
    CHECK_EQ_U64(in.imm, 0x401000);
    CHECK_EQ_U64(in.imm_off, 1);
    CHECK_EQ_U64(in.imm_size, 4);
    static const uint8_t pushm1[] = {0x6a, 0xff};
    CHECK_EQ_U64(dec(&d32, pushm1, 2, 0).imm, UINT64_MAX);

    /* lea esi, [esi+0] is gcc padding; lea rax, [rip+x] is not */
    static const uint8_t leanop[] = {0x8d, 0x76, 0x00};
    CHECK(dec(&d32, leanop, 3, 0).flags & DIS_F_PAD);
    static const uint8_t learip[] = {0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00};
    in = dec(&d64, learip, sizeof(learip), 0x1000);
    CHECK(!(in.flags & DIS_F_PAD));
    CHECK(in.flags & DIS_F_LEA);
    CHECK_EQ_U64(in.addr, 0x1017);
}

static void test_tokens(void)
{
    static const uint8_t movrr[] = {0x89, 0xd8};  /* mov eax, ebx */
    static const uint8_t movrm[] = {0x8b, 0x03};  /* mov eax, [ebx] */
    static const uint8_t movrr2[] = {0x89, 0xca}; /* mov edx, ecx */
    static const uint8_t movri[] = {0xb8, 1, 0, 0, 0};
    uint32_t a = dec(&d32, movrr, 2, 0).token, b = dec(&d32, movrm, 2, 0).token;
    uint32_t c = dec(&d32, movrr2, 2, 0).token, e = dec(&d32, movri, 5, 0).token;
    CHECK(a != b);
    CHECK(a == c); /* registers are not part of the token */
    CHECK(a != e);
    CHECK_EQ_STR(kin__dis_mnemonic_name(dec(&d32, movrr, 2, 0).mnemonic), "mov");
}

static void test_failures(void)
{
    struct dis_insn in;
    static const uint8_t cut[] = {0xe8, 0x00, 0x00};
    CHECK(kin__dis_decode(&d64, cut, sizeof(cut), 0, &in) == KIN_MALFORMED);
    static const uint8_t bad64[] = {0x06}; /* push es: invalid in 64-bit mode */
    CHECK(kin__dis_decode(&d64, bad64, 1, 0, &in) == KIN_MALFORMED);
    CHECK_OK(kin__dis_decode(&d32, bad64, 1, 0, &in));
    CHECK(kin__dis_decode(&d64, bad64, 0, 0, &in) == KIN_MALFORMED);
    struct dis bad;
    CHECK(kin__dis_init(&bad, 16) == KIN_INVALID);
}

static void test_operands(void)
{
    /* movsxd rcx, dword [rax + rdi*4] */
    static const uint8_t movsxd[] = {0x48, 0x63, 0x0c, 0xb8};
    struct dis_ops ops;
    CHECK_OK(kin__dis_operands(&d64, movsxd, sizeof(movsxd), &ops));
    CHECK_EQ_U64(ops.count, 2);
    CHECK_EQ_U64(ops.kind[0], 1);
    CHECK_EQ_U64(ops.reg[0], 1);
    CHECK_EQ_U64(ops.kind[1], 2);
    CHECK_EQ_U64(ops.width[1], 32);
    CHECK(ops.written & 1u);
    /* add rcx, rax */
    static const uint8_t add[] = {0x48, 0x01, 0xc1};
    CHECK_OK(kin__dis_operands(&d64, add, sizeof(add), &ops));
    CHECK_EQ_U64(ops.reg[0], 1);
    CHECK_EQ_U64(ops.reg[1], 0);
}

int main(void)
{
    CHECK_OK(kin__dis_init(&d64, 64));
    CHECK_OK(kin__dis_init(&d32, 32));
    test_branches();
    test_memory();
    test_tokens();
    test_failures();
    test_operands();
    CHECK_DONE();
}
