/*
 * info_names.c: names for the numbers `kin info` prints: entry kinds, flags, PE machine and
 * subsystem (PE/COFF spec 3.3.1, 3.4.2), resource types (winuser.h RT_*), ELF e_type, e_machine,
 * EI_OSABI and p_type (System V gABI), and the CodeView GUID as Windows formats it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "info.h"

struct name {
    uint32_t value;
    const char *name;
};

static const char *lookup(const struct name *v, size_t n, uint32_t value)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].value == value) {
            return v[i].name;
        }
    }
    return NULL;
}

#define LOOKUP(table, value) lookup((table), sizeof(table) / sizeof((table)[0]), (value))

const char *info_entry_kind(uint32_t kind)
{
    switch (kind) {
    case KIN_ENTRY_MAIN:
        return "main";
    case KIN_ENTRY_TLS_CALLBACK:
        return "tls_callback";
    case KIN_ENTRY_RAW:
        return "raw";
    default:
        return "other";
    }
}

void info_section_flags(uint32_t flags, char out[4])
{
    out[0] = flags & KIN_SEC_READ ? 'r' : '-';
    out[1] = flags & KIN_SEC_WRITE ? 'w' : '-';
    out[2] = flags & KIN_SEC_EXEC ? 'x' : '-';
    out[3] = '\0';
}

void info_segment_flags(uint32_t flags, char out[4])
{
    /* ELF p_flags: PF_X = 1, PF_W = 2, PF_R = 4. */
    out[0] = flags & 4u ? 'r' : '-';
    out[1] = flags & 2u ? 'w' : '-';
    out[2] = flags & 1u ? 'x' : '-';
    out[3] = '\0';
}

const char *info_symbol_type(uint8_t type)
{
    switch (type) {
    case KIN_SYM_FUNC:
        return "func";
    case KIN_SYM_OBJECT:
        return "object";
    default:
        return "other";
    }
}

const char *info_symbol_source(uint8_t source)
{
    switch (source) {
    case KIN_SYMSRC_SYMTAB:
        return "symtab";
    case KIN_SYMSRC_DYNSYM:
        return "dynsym";
    case KIN_SYMSRC_COFF:
        return "coff";
    default:
        return "other";
    }
}

const char *info_symbol_bind(uint8_t bind, char buf[16])
{
    static const struct name binds[] = {
        {0, "local"}, {1, "global"}, {2, "weak"}, {10, "unique"}, /* STB_GNU_UNIQUE */
    };
    const char *n = LOOKUP(binds, bind);
    if (n) {
        return n;
    }
    snprintf(buf, 16, "bind%u", (unsigned)bind);
    return buf;
}

const char *info_resource_type(const struct kin_resource *r, char buf[16])
{
    static const struct name types[] = {
        {1, "RT_CURSOR"},      {2, "RT_BITMAP"},        {3, "RT_ICON"},
        {4, "RT_MENU"},        {5, "RT_DIALOG"},        {6, "RT_STRING"},
        {7, "RT_FONTDIR"},     {8, "RT_FONT"},          {9, "RT_ACCELERATOR"},
        {10, "RT_RCDATA"},     {11, "RT_MESSAGETABLE"}, {12, "RT_GROUP_CURSOR"},
        {14, "RT_GROUP_ICON"}, {16, "RT_VERSION"},      {17, "RT_DLGINCLUDE"},
        {19, "RT_PLUGPLAY"},   {20, "RT_VXD"},          {21, "RT_ANICURSOR"},
        {22, "RT_ANIICON"},    {23, "RT_HTML"},         {24, "RT_MANIFEST"},
    };
    if (r->type_name) {
        return r->type_name;
    }
    const char *n = LOOKUP(types, r->type_id);
    if (n) {
        return n;
    }
    snprintf(buf, 16, "#%u", (unsigned)r->type_id);
    return buf;
}

const char *info_pe_machine(uint16_t machine)
{
    static const struct name v[] = {
        {0x14c, "i386"},    {0x8664, "amd64"}, {0x1c0, "arm"},  {0x1c2, "thumb"},
        {0x1c4, "armnt"},   {0xaa64, "arm64"}, {0x200, "ia64"}, {0x166, "mips"},
        {0x169, "mipswce"}, {0x266, "mips16"}, {0xebc, "ebc"},  {0x5064, "riscv64"},
    };
    return LOOKUP(v, machine);
}

const char *info_pe_subsystem(uint16_t subsystem)
{
    static const struct name v[] = {
        {1, "native"},
        {2, "windows gui"},
        {3, "windows console"},
        {5, "os/2 console"},
        {7, "posix console"},
        {8, "native win9x driver"},
        {9, "windows ce gui"},
        {10, "efi application"},
        {11, "efi boot service driver"},
        {12, "efi runtime driver"},
        {13, "efi rom"},
        {14, "xbox"},
        {16, "windows boot application"},
    };
    return LOOKUP(v, subsystem);
}

const char *info_elf_type(uint16_t type)
{
    static const struct name v[] = {
        {0, "NONE"}, {1, "REL"}, {2, "EXEC"}, {3, "DYN"}, {4, "CORE"},
    };
    return LOOKUP(v, type);
}

const char *info_elf_machine(uint16_t machine)
{
    static const struct name v[] = {
        {3, "x86"},          {62, "x86-64"}, {40, "arm"},    {183, "aarch64"},   {8, "mips"},
        {10, "mips-rs3-le"}, {20, "ppc"},    {21, "ppc64"},  {22, "s390"},       {2, "sparc"},
        {43, "sparcv9"},     {50, "ia64"},   {243, "riscv"}, {258, "loongarch"},
    };
    return LOOKUP(v, machine);
}

const char *info_elf_osabi(uint8_t osabi)
{
    static const struct name v[] = {
        {0, "sysv"},     {1, "hp-ux"}, {2, "netbsd"},       {3, "gnu/linux"},
        {6, "solaris"},  {7, "aix"},   {8, "irix"},         {9, "freebsd"},
        {12, "openbsd"}, {97, "arm"},  {255, "standalone"},
    };
    return LOOKUP(v, osabi);
}

const char *info_elf_segment_type(uint32_t type)
{
    static const struct name v[] = {
        {0, "NULL"},
        {1, "LOAD"},
        {2, "DYNAMIC"},
        {3, "INTERP"},
        {4, "NOTE"},
        {5, "SHLIB"},
        {6, "PHDR"},
        {7, "TLS"},
        {0x6474e550, "GNU_EH_FRAME"},
        {0x6474e551, "GNU_STACK"},
        {0x6474e552, "GNU_RELRO"},
        {0x6474e553, "GNU_PROPERTY"},
        {0x70000001, "ARM_EXIDX"},
        {0x70000003, "MIPS_ABIFLAGS"},
    };
    return LOOKUP(v, type);
}

void info_guid(const uint8_t g[16], char out[39])
{
    /* The GUID's first three fields are little-endian integers; the last eight bytes are bytes. */
    unsigned long d1 = (unsigned long)g[0] | (unsigned long)g[1] << 8 | (unsigned long)g[2] << 16 |
                       (unsigned long)g[3] << 24;
    unsigned d2 = (unsigned)g[4] | (unsigned)g[5] << 8;
    unsigned d3 = (unsigned)g[6] | (unsigned)g[7] << 8;
    snprintf(out, 39, "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", d1, d2, d3, g[8], g[9],
             g[10], g[11], g[12], g[13], g[14], g[15]);
}

int info_has_guid(const struct kin_image *img)
{
    /* An NB10 record has a signature and no GUID; an RSDS record may carry a zero GUID. */
    static const uint8_t zero[16];
    return img->pe.pdb_path &&
           !(img->pe.pdb_signature != 0 && !memcmp(img->pe.pdb_guid, zero, sizeof(zero)));
}

void info_utc(uint32_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
        snprintf(out, 32, "%u", (unsigned)t);
    }
}
