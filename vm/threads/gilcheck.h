/* GIL-debug checks (--enable-gil-debug): the violation report and the
 * per-touch check that object.h calls in the debug build. */
#ifndef GK_VM_GILCHECK_H
#define GK_VM_GILCHECK_H

struct gk_object;

/* Reports (and by GILKIT_GIL_CHECK aborts on) an object touch `op` of `o` by
 * a thread that does not hold the GIL, while the runtime is running; file and
 * line name the extension's call site or are NULL/0.  No GIL needed. */
void gk__gilcheck_touch(struct gk_object *o, const char *op, const char *file, int line);

/* Writes one violation report to stderr and aborts or returns according to
 * GILKIT_GIL_CHECK (abort|warn) and `fatal_default` (1 for classes 1-3);
 * `what` names the violation, `detail` may be NULL.  No GIL needed. */
void gk__gilcheck_report(const char *what, const char *detail, const char *file, int line,
                         int fatal_default);

#endif
