/*
 * info.h: the two renderings of `kin info` (readable text and one JSON object per line) and the
 * names they share. Both take only the public struct kin_image, so a unit test can render a
 * hand-built image without a loader.
 */
#ifndef KIN_CLI_INFO_H
#define KIN_CLI_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kin.h"

struct info_opts {
    int symbols; /* list every symbol (--symbols) */
};

/* The readable summary of one image. path is printed escaped. */
void info_print_text(FILE *f,
                     const char *path,
                     const struct kin_image *img,
                     const struct info_opts *o);
/* One JSON object (one line) for one image; the keys are listed in README.md. */
void info_print_json(FILE *f,
                     const char *path,
                     const struct kin_image *img,
                     const struct info_opts *o);

/* Names shared by both renderings (info_names.c). Never NULL. */
const char *info_entry_kind(uint32_t kind);
/* "rwx"-style flags of a section (KIN_SEC_*) into out[4]. */
void info_section_flags(uint32_t flags, char out[4]);
/* "rwx"-style flags of an ELF segment (PF_R/PF_W/PF_X) into out[4]. */
void info_segment_flags(uint32_t flags, char out[4]);
const char *info_symbol_type(uint8_t type);
const char *info_symbol_source(uint8_t source);
/* ELF STB_* binding: "local", "global", "weak", "unique", or "bind<N>" written into buf[16]. */
const char *info_symbol_bind(uint8_t bind, char buf[16]);
/* The resource type: the name of a named type, "RT_ICON"-style for known ids, else "#<id>". */
const char *info_resource_type(const struct kin_resource *r, char buf[16]);
/* Readable names of header values, or NULL when unknown. */
const char *info_pe_machine(uint16_t machine);
const char *info_pe_subsystem(uint16_t subsystem);
const char *info_elf_type(uint16_t type);
const char *info_elf_machine(uint16_t machine);
const char *info_elf_osabi(uint8_t osabi);
const char *info_elf_segment_type(uint32_t type);
/* The CodeView GUID as Windows prints it, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", into out[39].
 */
void info_guid(const uint8_t guid[16], char out[39]);
/* 1 when the image carries a PDB GUID (RSDS); 0 for NB10 records and images without one. */
int info_has_guid(const struct kin_image *img);
/* A UTC date "YYYY-MM-DD HH:MM:SS UTC" into out[32]. */
void info_utc(uint32_t t, char out[32]);

#endif /* KIN_CLI_INFO_H */
