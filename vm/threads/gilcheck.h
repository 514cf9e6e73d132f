/* GIL-debug checks (--enable-gil-debug, docs/debug-mode.md): the violation
 * report and the checks of classes 1 (touch without the GIL), 3 (unbalanced
 * GIL calls) and 5 (GIL hog).  Every function here needs no GIL. */
#ifndef GK_VM_GILCHECK_H
#define GK_VM_GILCHECK_H

#include <stdint.h>

struct gk_object;
struct gk__tstate;

/* Reports (and by GILKIT_GIL_CHECK aborts on) an object touch `op` of `o` by
 * a thread that does not hold the GIL, while the runtime is running; file and
 * line name the extension's call site or are NULL/0.  No GIL needed. */
void gk__gilcheck_touch(struct gk_object *o, const char *op, const char *file, int line);

/* Reports an SDK call `op` (its C name, a trailing '_' is dropped) that
 * needs the GIL, made by a thread that does not hold it, with the caller's
 * file:line and the object it passed (`o` may be NULL).  No GIL needed. */
void gk__gilcheck_call(const char *op, struct gk_object *o, const char *file, int line);

/* Writes one violation report to stderr and aborts or returns according to
 * GILKIT_GIL_CHECK (abort|warn) and `fatal_default` (1 for classes 1-3);
 * `what` names the violation, `detail` may be NULL.  In warn mode a call
 * site (file:line, or the caller's backtrace when file is NULL) is reported
 * once.  The report names the calling thread and, if it let go of the GIL
 * through the SDK, where.  No GIL needed. */
void gk__gilcheck_report(const char *what, const char *detail, const char *file, int line,
                         int fatal_default);

/* Class 5: the GIL-hog threshold in ns (GILKIT_GIL_HOG_MS, default 100 ms;
 * 0 turns the check off).  No GIL. */
uint64_t gk__gilcheck_hog_ns(void);
/* Class 5: called by a GIL waiter whose drop request to `holder` has been
 * pending `pending_ns`; reports (warn, once per extension function) if the
 * holder is running an extension function.  Called under the GIL's mutex:
 * only writes the report. */
void gk__gilcheck_hog(struct gk__tstate *holder, uint64_t pending_ns);

#endif
