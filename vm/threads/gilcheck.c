/* GIL-debug checks: owns the violation report (one block on stderr: what,
 * thread, object, call site, where the GIL was released, backtrace), the
 * GILKIT_GIL_CHECK policy with its once-per-call-site memory, the object
 * and SDK-call checks of class 1 and the GIL-hog report of class 5.
 * Compiled in every build; the VM calls the checks only when GK_GIL_DEBUG
 * is on (the class-3 reports of vm/ext/api.c run in every build). */
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

/* Call sites already reported in warn mode (report_mu).  A full table
 * reports again rather than drop a new site. */
#define SEEN_MAX 512
static struct { const char *what, *file; int line; uintptr_t pc; } seen[SEEN_MAX];
static int nseen;

/* 1 abort, 0 warn, -1 the class default. */
static int policy(void)
{
    const char *e = getenv("GILKIT_GIL_CHECK");
    if (!e) return -1;
    if (strcmp(e, "abort") == 0) return 1;
    if (strcmp(e, "warn") == 0) return 0;
    return -1;
}

/* True if the site was reported before; records it otherwise.  report_mu. */
static int seen_before(const char *what, const char *file, int line, uintptr_t pc)
{
    for (int i = 0; i < nseen; i++)
        if (seen[i].what == what && seen[i].file == file && seen[i].line == line && seen[i].pc == pc)
            return 1;
    if (nseen < SEEN_MAX) {
        seen[nseen].what = what;
        seen[nseen].file = file;
        seen[nseen].line = line;
        seen[nseen].pc = pc;
        nseen++;
    }
    return 0;
}

/* One report.  `who` is the thread the report is about (NULL: the caller,
 * whose state may be NULL too); `thread_note` replaces the attach note;
 * `key`, if not NULL, names the call site instead of file:line. */
static void report(const char *what, const char *detail, const char *file, int line, int fatal_default,
                   gk__tstate *who, const char *thread_note, const void *key)
{
    char name[64] = "?";
    void *frames[48];
    int n = backtrace(frames, 48);
    int p = policy();
    int fatal = p < 0 ? fatal_default : p;
    gk__tstate *ts = who ? who : gk__current;

    pthread_mutex_lock(&report_mu);
    if (!fatal) {
        /* The site: file:line, else the first frames of the caller. */
        uintptr_t pc = (uintptr_t)key;
        if (!file && !key)
            for (int i = 1; i < n && i < 5; i++)
                pc = pc * 31 + (uintptr_t)frames[i];
        if (seen_before(what, file, line, pc)) {
            pthread_mutex_unlock(&report_mu);
            return;
        }
    }
    if (ts && ts->name[0])
        snprintf(name, sizeof name, "%s", ts->name);
    else
        pthread_getname_np(pthread_self(), name, sizeof name);
    fflush(stdout);
    fprintf(stderr, "==gilkit-gil-debug== %s\n", what);
    if (who)
        fprintf(stderr, "  thread: %s%s\n", name, thread_note ? thread_note : "");
    else if (!ts)
        fprintf(stderr, "  thread: %s (tid %ld), not attached to the runtime\n", name,
                (long)syscall(SYS_gettid));
    else
        fprintf(stderr, "  thread: %s (tid %ld)%s\n", name, (long)syscall(SYS_gettid),
                thread_note ? thread_note : ts->holds_gil ? ", holds the GIL" : ", does not hold the GIL");
    if (detail)
        fprintf(stderr, "  %s\n", detail);
    if (file)
        fprintf(stderr, "  at: %s:%d\n", file, line);
    if (ts && !who && !ts->holds_gil && ts->release_file)
        fprintf(stderr, "  GIL released at: %s:%d\n", ts->release_file, ts->release_line);
    fprintf(stderr, "  backtrace%s:\n", who ? " (of the reporting thread)" : "");
    backtrace_symbols_fd(frames, n, 2);
    fprintf(stderr, "==gilkit-gil-debug== %s\n",
            fatal ? "aborting (GILKIT_GIL_CHECK=warn to continue)"
                  : "continuing (reported once per call site; GILKIT_GIL_CHECK=abort to stop)");
    pthread_mutex_unlock(&report_mu);
    if (fatal)
        abort();
}

void gk__gilcheck_report(const char *what, const char *detail, const char *file, int line,
                         int fatal_default)
{
    report(what, detail, file, line, fatal_default, NULL, NULL, NULL);
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
    report("object touched by a thread that does not hold the GIL", detail, file, line, 1, NULL, NULL, NULL);
}

void gk__gilcheck_call(const char *op, gk_object *o, const char *file, int line)
{
    char detail[256];
    int oplen = (int)strlen(op);
    if (gk__gil_held())
        return;
    if (oplen > 0 && op[oplen - 1] == '_')
        oplen--;
    if (o) {
        snprintf(detail, sizeof detail, "object: %s at %p, operation: %.*s%s",
                 o->type && o->type->name ? o->type->name : "?", (void *)o, oplen, op,
                 gk__rt ? "" : " (no runtime is running)");
        report("object touched by a thread that does not hold the GIL", detail, file, line, 1, NULL, NULL,
               NULL);
    } else {
        snprintf(detail, sizeof detail, "operation: %.*s%s", oplen, op,
                 gk__rt ? "" : " (no runtime is running)");
        report("gilkit SDK call by a thread that does not hold the GIL", detail, file, line, 1, NULL, NULL,
               NULL);
    }
}

uint64_t gk__gilcheck_hog_ns(void)
{
    static _Atomic int64_t cached = -1;
    int64_t v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        const char *e = getenv("GILKIT_GIL_HOG_MS");
        double ms = e && *e ? atof(e) : 100.0;
        v = ms > 0 ? (int64_t)(ms * 1e6) : 0;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return (uint64_t)v;
}

void gk__gilcheck_hog(gk__tstate *holder, uint64_t pending_ns)
{
    const char *mod = atomic_load_explicit(&holder->ext_module, memory_order_relaxed);
    const char *fn = atomic_load_explicit(&holder->ext_func, memory_order_relaxed);
    char detail[256], note[160];
    if (!fn)
        return;   /* VM code honours drop requests itself */
    snprintf(detail, sizeof detail,
             "running extension function: %s%s%s(), a drop request pending for %.0f ms "
             "(GILKIT_GIL_HOG_MS=%.0f)", mod ? mod : "", mod ? "." : "", fn, (double)pending_ns / 1e6,
             (double)gk__gilcheck_hog_ns() / 1e6);
    snprintf(note, sizeof note, " (holds the GIL; %s waits for it)",
             gk__current && gk__current->name[0] ? gk__current->name : "another thread");
    /* Keyed by the function's name: one report per extension function. */
    report("GIL hog: a thread running native code ignores a request to drop the GIL", detail, NULL, 0, 0,
           holder, note, fn);
}
