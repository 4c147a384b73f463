/*
 * pe.c: PE32/PE32+ detection and loading (placeholder until the PE loader lands).
 */
#include "../load.h"

int kin__pe_detect(struct span file)
{
    uint16_t mz;
    return kin__span_le16(file, 0, &mz) && mz == 0x5a4d;
}

kin_status kin__pe_load(struct load_ctx *c)
{
    LOAD_ANOMALY(c, "pe.unsupported", 0, "PE loader not built yet");
    return KIN_MALFORMED;
}
