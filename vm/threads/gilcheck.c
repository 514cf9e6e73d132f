/* GIL-debug checks: owns the violation report (one block on stderr: what,
 * thread, object, call site, backtrace) and the GILKIT_GIL_CHECK policy.
 * Compiled in every build; object.h calls it only when GK_GIL_DEBUG is on. */
#include "config.h"
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "object.h"
#include "runtime.h"
#include "threads/gil.h"
#include "threads/gilcheck.h"

static pthread_mutex_t report_mu = PTHREAD_MUTEX_INITIALIZER;

/* 1 abort, 0 warn, -1 the class default. */
static int policy(void)
{
    const char *e = getenv("GILKIT_GIL_CHECK");
    if (!e) return -1;
    if (strcmp(e, "abort") == 0) return 1;
    if (strcmp(e, "warn") == 0) return 0;
    return -1;
}

void gk__gilcheck_report(const char *what, const char *detail, const char *file, int line,
                         int fatal_default)
{
    char name[32] = "?";
    void *frames[48];
    int n;
    int p = policy();
    int fatal = p < 0 ? fatal_default : p;

    pthread_mutex_lock(&report_mu);
    pthread_getname_np(pthread_self(), name, sizeof name);
    fprintf(stderr, "==gilkit-gil-debug== %s\n", what);
    fprintf(stderr, "  thread: %s (tid %ld)%s\n", name, (long)syscall(SYS_gettid),
            gk__current ? "" : ", not attached to the runtime");
    if (detail)
        fprintf(stderr, "  %s\n", detail);
    if (file)
        fprintf(stderr, "  at: %s:%d\n", file, line);
    fprintf(stderr, "  backtrace:\n");
    n = backtrace(frames, 48);
    backtrace_symbols_fd(frames, n, 2);
    fprintf(stderr, "==gilkit-gil-debug== %s\n", fatal ? "aborting (GILKIT_GIL_CHECK=warn to continue)"
                                                        : "continuing");
    pthread_mutex_unlock(&report_mu);
    if (fatal)
        abort();
}

void gk__gilcheck_touch(gk_object *o, const char *op, const char *file, int line)
{
    char detail[256];
    if (!gk__rt || gk__gil_held())
        return;
    if (o->refcnt >= GK_STATIC_REFCNT / 2)
        return;   /* static objects are immortal: no race to report */
    snprintf(detail, sizeof detail, "object: %s at %p, operation: %s",
             o->type && o->type->name ? o->type->name : "?", (void *)o, op);
    gk__gilcheck_report("object touched by a thread that does not hold the GIL", detail, file,
                        line, 1);
}
