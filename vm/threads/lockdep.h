/* vm/threads/lockdep.h - the SDK mutex (gk_mutex) and, in the GIL-debug
 * build, lock-order checking of gk_mutexes against the GIL (class 6); the
 * design is at the top of lockdep.c. */
#ifndef GK_VM_LOCKDEP_H
#define GK_VM_LOCKDEP_H

#include <stddef.h>

/* Called by every GIL acquisition (gk__gil_acquire) and, with the SDK call
 * site, by the SDK's reacquire paths before they take the GIL: if the
 * calling thread holds tracked gk_mutexes, records "GIL requested while
 * holding M" for each (what/file/line may be NULL/0: the VM's own
 * acquire).  Debug build only; no GIL needed (the caller does not hold it). */
void gk__lockdep_gil_request(const char *what, const char *file, int line);
#ifdef GK_GIL_DEBUG
#define GK__LOCKDEP_GIL_REQUEST(what, file, line) gk__lockdep_gil_request((what), (file), (line))
#else
#define GK__LOCKDEP_GIL_REQUEST(what, file, line) ((void)0)
#endif

/* Writes where the calling thread's Python code is ("f() in t.py (def at
 * line 3)") into buf, or "" if it runs none.  Needs the GIL. */
void gk__lockdep_python_location(char *buf, size_t n);

#endif
