/*
 * gilkit/trace.h - the GIL event hook API: a callback told when threads
 * start, want the GIL, get it, release it (and why) and exit.  Included by
 * gilkit.h.  With no hook registered the VM pays one predictable branch.
 */
#ifndef GILKIT_TRACE_H
#define GILKIT_TRACE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gk_trace_event {
    GK_TRACE_THREAD_START = 0,   /* a thread begins (it does not hold the GIL yet) */
    GK_TRACE_WANT = 1,           /* the thread starts waiting for the GIL (slow path) */
    GK_TRACE_ACQUIRED = 2,       /* the thread holds the GIL */
    GK_TRACE_RELEASED = 3,       /* the thread let go of it; see gk_trace_reason */
    GK_TRACE_DROP_REQUEST = 4,   /* the thread asks the holder to drop the GIL */
    GK_TRACE_THREAD_EXIT = 5,    /* the thread ends (after its last release) */
} gk_trace_event;

typedef enum gk_trace_reason {
    GK_TRACE_REASON_NONE = 0,
    GK_TRACE_REASON_BLOCKING = 1,   /* around a blocking call (label says which) */
    GK_TRACE_REASON_FORCED = 2,     /* forced switch after a drop request */
    GK_TRACE_REASON_YIELD = 3,      /* voluntary yield */
    GK_TRACE_REASON_EXIT = 4,       /* the thread ends */
} gk_trace_reason;

typedef struct gk_trace_info {
    gk_trace_event event;
    gk_trace_reason reason;     /* for GK_TRACE_RELEASED */
    uint64_t time_ns;           /* CLOCK_MONOTONIC */
    uint64_t thread_id;         /* threading.get_ident() of the thread */
    const char *thread_name;    /* threading name; valid during the call only */
    const char *label;          /* blocking call (e.g. "time.sleep"), or NULL */
} gk_trace_info;

/* The callback runs on the thread concerned, with or without the GIL (see
 * event): it must not touch objects or call back into the VM. */
typedef void (*gk_trace_hook)(const gk_trace_info *info, void *arg);

/* Installs hook (NULL removes it); one hook at a time.  Returns the previous
 * one.  Call before starting threads, or accept that events racing with the
 * change may go to either hook. */
gk_trace_hook gk_trace_set_hook(gk_trace_hook hook, void *arg);

/* Labels the next blocking release of the calling thread (a static string,
 * e.g. "socket.recv"); cleared when the GIL is taken back. */
void gk_trace_set_label(const char *label);

#ifdef __cplusplus
}
#endif
#endif
