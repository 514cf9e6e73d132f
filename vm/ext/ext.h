/*
 * vm/ext/ext.h - native extension support inside the VM: loading module
 * files (loader.c), libffi call plans for plain C functions (ffi.c), and
 * the public SDK's implementation (api.c).
 */
#ifndef GK_VM_EXT_H
#define GK_VM_EXT_H

#include "object.h"

/* The type of gk_native_new objects (api.c). */
extern gk_type gk__native_type;

/* If folder holds the native module file for `name` (its last dotted
 * component + ".gilkit-1.so"), returns its path (malloc'd) else NULL.
 * Needs no GIL. */
char *gk__native_module_find(const char *folder, const char *name);
/* Loads the native module at path as module `name` (a str): dlopen with
 * the GIL released, checks the ABI record before any module code runs,
 * adds the function table, runs init.  Returns the module or NULL with
 * ImportError (or the init's exception). */
gk_object *gk__native_module_load(gk_object *name, const char *path);

/* A prepared libffi call of a C function with a signature string like
 * "double(double, int)".  Made once, called many times (ffi.c). */
typedef struct gk__callplan gk__callplan;
/* Parses sig and prepares the call interface; NULL + ValueError naming the
 * problem.  fname names the function in error messages. */
gk__callplan *gk__callplan_new(const char *fname, const char *sig);
void gk__callplan_free(gk__callplan *plan);
/* Converts args, calls fn (releasing the GIL around the call if
 * release_gil), converts the result.  New reference or NULL. */
gk_object *gk__callplan_call(gk__callplan *plan, void (*fn)(void), bool release_gil,
                             gk_object *const *args, size_t nargs);
/* Wraps a C function and its plan as a callable object (the plan is
 * owned by the object; keepalive, if not NULL, is kept alive too). */
gk_object *gk__cfunction_ffi_new(const char *name, void (*fn)(void), gk__callplan *plan,
                                 bool release_gil, gk_object *keepalive);
/* The `ffi` module for scripts. */
int gk__ffi_module_init(gk_object *m);

#endif
