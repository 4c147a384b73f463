/*
 * image_walk.h: shared by the loader fuzz targets. Reads every field and every string of a loaded
 * image so ASan sees any pointer the loader got wrong, checks the documented invariants of
 * struct kin_image, and counts the library's live heap so a target can enforce the memory bound
 * (no input may cost more than a small multiple of its size, issue #2).
 */
#ifndef KIN_FUZZ_IMAGE_WALK_H
#define KIN_FUZZ_IMAGE_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "kin.h"

/* Routes the library's allocator through counting hooks. Call once, before any load. */
void fuzz_count_allocations(void);
/* Resets the peak of live library heap bytes to the current live figure. */
void fuzz_reset_peak(void);
/* Peak of live library heap bytes since the last reset. */
size_t fuzz_peak_bytes(void);

/*
 * Checks the result of kin_sample_load_mem(data, size) that returned st and s: the status
 * contract, every array and string of the image, and the memory bound. Aborts with a message on
 * stderr on any violation, so libFuzzer keeps the input as a crash.
 */
void fuzz_check_load(const uint8_t *data, size_t size, kin_status st, const struct kin_sample *s);

#endif /* KIN_FUZZ_IMAGE_WALK_H */
