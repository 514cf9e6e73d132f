/*
 * gilkit.h - the public SDK of gilkit, for extension modules and embedders.
 *
 * The SDK exposes functions and opaque handles only, never struct layouts,
 * so one compiled module runs on both the release and the GIL-debug build.
 * Ownership rule, everywhere: functions return NEW references and never
 * steal their arguments.  Errors: NULL or -1 with an exception pending.
 * Every function needs the calling thread to hold the GIL unless its
 * comment says otherwise.
 *
 * ABI policy: GK_ABI_VERSION changes whenever a compiled module would stop
 * working; modules carry the ABI version they were built for and the loader
 * refuses a mismatch by name.
 */
#ifndef GILKIT_H
#define GILKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GK_VERSION_MAJOR 0
#define GK_VERSION_MINOR 1
#define GK_VERSION_PATCH 0
#define GK_VERSION_HEX ((GK_VERSION_MAJOR << 16) | (GK_VERSION_MINOR << 8) | GK_VERSION_PATCH)
#define GK_ABI_VERSION 1

/* An object handle (opaque). */
typedef struct gk_object gk_object;

/* Returns the runtime's version as "MAJOR.MINOR.PATCH"; needs no GIL. */
const char *gk_version(void);

#ifdef __cplusplus
}
#endif
#endif
