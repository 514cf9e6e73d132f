/*
 * vm/threads/lockdep.c - the SDK mutex (gk_mutex, sdk/include/gilkit.h)
 * and, in the GIL-debug build, GIL-debug class 6: lock-order inversion
 * between a gk_mutex and the GIL.
 *
 * The deadlock: thread A holds the GIL and waits for mutex M; thread B
 * holds M and waits for the GIL.  Neither ever lets go.  It needs both
 * orders, "M waited for while holding the GIL" and "GIL requested while
 * holding M", and a bad interleaving; tests rarely hit the interleaving,
 * but the two orders are easy to see.  So, like Linux lockdep, the debug
 * build records for each mutex class (a class is the gk_mutex_new call
 * site, so a thousand mutexes made by one line are one class) the first
 * time each order is seen, and reports when a class has seen both, with
 * both places, whether or not the interleaving ever happens; the two
 * orders may even be seen one after the other in one thread.
 *   - GIL then M: gk_mutex_lock() by a thread that holds the GIL.  A
 *     successful gk_mutex_trylock() waits for nothing and records nothing,
 *     nor does gk_mutex_lock_release_gil(), which waits with the GIL
 *     released: that is the fix.
 *   - M then GIL: any GIL acquisition by a thread that holds M (a
 *     thread-local list of held gk_mutexes): GK_END_ALLOW_THREADS,
 *     gk_thread_attach, gk_call_blocking's return and
 *     gk_mutex_lock_release_gil's own return pass their site; the VM's
 *     other acquisitions (a thread switch while the extension runs Python
 *     code under M) are recorded as "the VM".
 * The report is a warning by default (GILKIT_GIL_CHECK=abort to stop), once
 * per class.  The release build's gk_mutex is a plain pthread mutex; the
 * tracking is compiled out.
 */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "eval.h"
#include "threads/gil.h"
#include "threads/gilcheck.h"
#include "threads/lockdep.h"
#include "gilkit.h"

struct gk_mutex {
    pthread_mutex_t mu;
#ifdef GK_GIL_DEBUG
    struct lock_class *cls;      /* NULL: untracked (out of memory at creation) */
#endif
};

void gk__lockdep_python_location(char *buf, size_t n)
{
    gk__tstate *ts = gk__current;
    buf[0] = '\0';
    if (!ts || !ts->frame || !ts->frame->code)
        return;
    gk_code *co = ts->frame->code;
    const char *name = co->name ? gk__str_utf8(co->name) : "?";
    const char *file = co->filename ? gk__str_utf8(co->filename) : "?";
    if (name[0] == '<')
        snprintf(buf, n, "%s of %s", name, file);
    else
        snprintf(buf, n, "%s() in %s (def at line %d)", name, file, co->firstlineno);
}

#ifdef GK_GIL_DEBUG

/* Where an order was first seen. */
typedef struct order_site {
    const char *what;            /* "gk_mutex_lock()", "GK_END_ALLOW_THREADS", ... */
    const char *file;            /* NULL for the VM's own acquisition */
    int line;
    char thread[64];
    char python[200];
} order_site;

enum { GIL_THEN_M = 0, M_THEN_GIL = 1 };

typedef struct lock_class {
    struct lock_class *next;     /* classes_mu */
    const char *file;            /* the gk_mutex_new call site: the class key */
    int line;
    atomic_bool seen[2];         /* an order was seen (set once, under classes_mu) */
    bool reported;               /* classes_mu */
    order_site first[2];         /* classes_mu: written once, before seen[] */
} lock_class;

static pthread_mutex_t classes_mu = PTHREAD_MUTEX_INITIALIZER;
static lock_class *classes;      /* classes_mu; never freed (like lockdep's) */

#define MAX_HELD 16
static _Thread_local gk_mutex *held[MAX_HELD];
static _Thread_local int nheld;  /* may exceed MAX_HELD: the rest are untracked */

static lock_class *class_for(const char *file, int line)
{
    lock_class *c;
    pthread_mutex_lock(&classes_mu);
    for (c = classes; c; c = c->next)
        if (c->line == line && (c->file == file || (c->file && file && strcmp(c->file, file) == 0)))
            goto done;
    c = calloc(1, sizeof *c);
    if (!c)
        goto done;
    c->file = file;
    c->line = line;
    c->next = classes;
    classes = c;
done:
    pthread_mutex_unlock(&classes_mu);
    return c;
}

static void fill_site(order_site *s, const char *what, const char *file, int line)
{
    gk__tstate *ts = gk__current;
    s->what = what ? what : "the VM taking the GIL (a thread switch or a reacquire inside the VM)";
    s->file = file;
    s->line = line;
    if (ts && ts->name[0])
        snprintf(s->thread, sizeof s->thread, "%s", ts->name);
    else if (pthread_getname_np(pthread_self(), s->thread, sizeof s->thread) != 0)
        snprintf(s->thread, sizeof s->thread, "?");
    gk__lockdep_python_location(s->python, sizeof s->python);
}

static void format_site(char *buf, size_t n, const char *label, const order_site *s)
{
    char at[160] = "";
    if (s->file)
        snprintf(at, sizeof at, " at %s:%d", s->file, s->line);
    snprintf(buf, n, "%s: %s%s, thread %s%s%s", label, s->what, at, s->thread,
             s->python[0] ? ", Python: " : "", s->python);
}

/* Records that m's class was seen in `order` at the given site; reports
 * when that completes both orders for the first time. */
static void record(gk_mutex *m, int order, const char *what, const char *file, int line)
{
    lock_class *c = m->cls;
    order_site a, b;
    bool report = false;
    if (!c || atomic_load_explicit(&c->seen[order], memory_order_acquire))
        return;
    int saved_errno = errno;
    pthread_mutex_lock(&classes_mu);
    if (!atomic_load_explicit(&c->seen[order], memory_order_relaxed)) {
        fill_site(&c->first[order], what, file, line);
        atomic_store_explicit(&c->seen[order], true, memory_order_release);
        if (atomic_load_explicit(&c->seen[!order], memory_order_relaxed) && !c->reported) {
            c->reported = true;
            report = true;
            a = c->first[GIL_THEN_M];
            b = c->first[M_THEN_GIL];
        }
    }
    pthread_mutex_unlock(&classes_mu);
    if (report) {
        char la[512], lb[512], detail[1400];
        format_site(la, sizeof la, "order 1, the GIL then the mutex", &a);
        format_site(lb, sizeof lb, "order 2, the mutex then the GIL", &b);
        snprintf(detail, sizeof detail,
                 "mutex: gk_mutex %p, class created at %s:%d\n  %s\n  %s\n"
                 "  fix: where the GIL is held, take the mutex with gk_mutex_lock_release_gil() (it waits\n"
                 "       with the GIL released), or never take the GIL back while holding the mutex",
                 (void *)m, c->file ? c->file : "?", c->line, la, lb);
        gk__gilcheck_report("lock-order inversion: a gk_mutex and the GIL taken in both orders "
                            "(class 6, a deadlock waiting to happen)", detail, file, line, 0);
    }
    errno = saved_errno;
}

static void push_held(gk_mutex *m)
{
    if (nheld < MAX_HELD)
        held[nheld] = m;
    nheld++;
}

static void pop_held(gk_mutex *m)
{
    int top = nheld < MAX_HELD ? nheld : MAX_HELD;
    for (int i = top - 1; i >= 0; i--)
        if (held[i] == m) {
            memmove(&held[i], &held[i + 1], (size_t)(top - 1 - i) * sizeof held[0]);
            nheld--;
            return;
        }
    if (nheld > MAX_HELD)
        nheld--;   /* one of the untracked ones */
}

void gk__lockdep_gil_request(const char *what, const char *file, int line)
{
    int top = nheld < MAX_HELD ? nheld : MAX_HELD;
    for (int i = 0; i < top; i++)
        record(held[i], M_THEN_GIL, what, file, line);
}

#define TRACK_NEW(m, file, line) ((m)->cls = class_for((file), (line)))
#define TRACK_WAIT_WITH_GIL(m, what, file, line) \
    do { if (gk__gil_held()) record((m), GIL_THEN_M, (what), (file), (line)); } while (0)
#define TRACK_GIL_REQUEST(what, file, line) gk__lockdep_gil_request((what), (file), (line))
#define PUSH(m) push_held(m)
#define POP(m) pop_held(m)

#else

#define TRACK_NEW(m, file, line) ((void)(file), (void)(line))
#define TRACK_WAIT_WITH_GIL(m, what, file, line) ((void)(file), (void)(line))
#define TRACK_GIL_REQUEST(what, file, line) ((void)0)
#define PUSH(m) ((void)0)
#define POP(m) ((void)0)

#endif

/* ---- the SDK mutex ---- */

GK_API gk_mutex *gk_mutex_new_(const char *file, int line)
{
    gk_mutex *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        return NULL;
    }
    TRACK_NEW(m, file, line);
    return m;
}

GK_API void gk_mutex_free(gk_mutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->mu);
    free(m);
}

GK_API void gk_mutex_lock_(gk_mutex *m, const char *file, int line)
{
    TRACK_WAIT_WITH_GIL(m, "gk_mutex_lock() with the GIL held", file, line);
#ifdef GK_GIL_DEBUG
    /* Class 4 as well: really waiting for it with the GIL held. */
    if (gk__gil_held() && pthread_mutex_trylock(&m->mu) == 0) {
        PUSH(m);
        return;
    }
    if (gk__gil_held())
        gk__gilcheck_report("blocking call gk_mutex_lock() on a contended mutex while holding the GIL "
                            "(class 4)",
                            "fix: gk_mutex_lock_release_gil() waits with the GIL released", file, line, 0);
#endif
    pthread_mutex_lock(&m->mu);
    PUSH(m);
}

GK_API int gk_mutex_trylock_(gk_mutex *m, const char *file, int line)
{
    (void)file, (void)line;
    if (pthread_mutex_trylock(&m->mu) != 0)
        return 0;
    PUSH(m);
    return 1;
}

GK_API void gk_mutex_lock_release_gil_(gk_mutex *m, const char *file, int line)
{
    gk__tstate *ts = gk__current;
    (void)file, (void)line;
    if (!ts || !gk__gil_held()) {
        pthread_mutex_lock(&m->mu);
        PUSH(m);
        return;
    }
    if (pthread_mutex_trylock(&m->mu) == 0) {
        PUSH(m);
        return;
    }
    gk__gil_release(ts, GK_RELEASE_BLOCKING);
    pthread_mutex_lock(&m->mu);
    PUSH(m);
    TRACK_GIL_REQUEST("gk_mutex_lock_release_gil() taking the GIL back", file, line);
    gk__gil_acquire(ts);
}

GK_API void gk_mutex_unlock_(gk_mutex *m, const char *file, int line)
{
    (void)file, (void)line;
    POP(m);
    pthread_mutex_unlock(&m->mu);
}
