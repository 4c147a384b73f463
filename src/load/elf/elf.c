/*
 * elf.c: ELF detection and loading (placeholder until the ELF loader lands).
 */
#include "../load.h"

int kin__elf_detect(struct span file)
{
    return kin__span_fits(file, 0, 4) && file.p[0] == 0x7f && file.p[1] == 'E' &&
           file.p[2] == 'L' && file.p[3] == 'F';
}

kin_status kin__elf_load(struct load_ctx *c)
{
    LOAD_ANOMALY(c, "elf.unsupported", 0, "ELF loader not built yet");
    return KIN_MALFORMED;
}
