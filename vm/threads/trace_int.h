/*
 * vm/threads/trace_int.h - the VM side of the GIL event hook
 * (sdk/include/gilkit/trace.h): the hook pointer tested on every GIL
 * transition, and the -X giltrace file writer.
 */
#ifndef GK_VM_TRACE_INT_H
#define GK_VM_TRACE_INT_H

#include <stddef.h>
#include <stdatomic.h>
#include "../../sdk/include/gilkit/trace.h"

struct gk__tstate;

/* NULL: tracing off (the common case).  Atomic: threads read it around
 * every GIL transition, also while not holding the GIL (a relaxed load is
 * a plain load on common hardware). */
extern _Atomic(gk_trace_hook) gk__trace_hook;

/* Calls the hook for ts's event; only call when gk__trace_hook is set. */
void gk__trace_emit(struct gk__tstate *ts, gk_trace_event ev, gk_trace_reason reason);

#define GK__TRACE(ts, ev, reason) do { \
        if (__builtin_expect(atomic_load_explicit(&gk__trace_hook, memory_order_relaxed) != NULL, 0)) gk__trace_emit((ts), (ev), (reason)); \
    } while (0)

/* Opens FILE and installs the trace-event JSON writer.  Returns 0 or -1. */
int gk__giltrace_open(const char *path);
/* Closes open spans, ends the JSON and closes the file (no-op if not open). */
void gk__giltrace_close(void);

/* _thread._gilstats() (vm/threads/gilstats.c): per-thread GIL statistics
 * as {ident: dict}.  New reference; GIL held. */
struct gk_object;
struct gk_object *gk__thread_gilstats(struct gk_object *self, struct gk_object *const *args, size_t nargs,
                                      struct gk_object *kwnames);

#endif
