/*
 * vm/runtime.c - the runtime's life: start-up, thread states, running the
 * main script, signals and the eval breaker, and shutdown.
 *
 * gk__runtime_init builds the runtime and a thread state for the calling
 * (main) thread and returns holding the GIL.  Thread states are linked in
 * one list under threads_mu and stay allocated until shutdown, so that the
 * GIL may safely poke a stale holder and -X gilstats can report on threads
 * that have ended.  Shutdown joins non-daemon threads through the threading
 * module; daemon threads are never waited for and the runtime's memory is
 * not freed while they may still run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"
#include "objects.h"
#include "code.h"
#include "lang/ast.h"
#include "gilkit.h"

gk__runtime *gk__rt;
_Thread_local gk__tstate *gk__current;

gk__tstate *gk__tstate_new(gk__runtime *rt)
{
    gk__tstate *ts = calloc(1, sizeof *ts);
    if (!ts)
        return NULL;
    ts->rt = rt;
    ts->thread = pthread_self();
    ts->ident = (uint64_t)pthread_self();
    ts->recursion_limit = 1000;
    ts->alive = true;
    atomic_init(&ts->eval_breaker, 0);
    pthread_mutex_lock(&rt->threads_mu);
    ts->next = rt->threads;
    if (rt->threads)
        rt->threads->prev = ts;
    rt->threads = ts;
    pthread_mutex_unlock(&rt->threads_mu);
    atomic_fetch_add(&rt->nthreads, 1);
    return ts;
}

/* Adds an ended thread's statistics to rt->ended_stats.  threads_mu. */
static void fold_stats(gk__runtime *rt, const gk__gilstats *s)
{
    gk__gilstats *d = &rt->ended_stats;
    d->hold += s->hold;
    d->wait += s->wait;
    if (s->longest_hold > d->longest_hold)
        d->longest_hold = s->longest_hold;
    if (s->longest_wait > d->longest_wait)
        d->longest_wait = s->longest_wait;
    d->forced_switches += s->forced_switches;
    d->voluntary_switches += s->voluntary_switches;
    d->acquisitions += s->acquisitions;
    d->waits += s->waits;
    rt->ended_folded++;
}

void gk__tstate_delete(gk__tstate *ts)
{
    gk__runtime *rt = ts->rt;
    gk__tstate *old = NULL;
    pthread_mutex_lock(&rt->threads_mu);
    ts->alive = false;
    if (++rt->nended > GK_KEEP_ENDED) {
        /* Free the oldest ended state (the list is newest first). */
        for (gk__tstate *t = rt->threads; t; t = t->next)
            if (!t->alive && t != ts)
                old = t;
        if (old) {
            fold_stats(rt, &old->stats);
            if (old->prev)
                old->prev->next = old->next;
            else
                rt->threads = old->next;
            if (old->next)
                old->next->prev = old->prev;
            rt->nended--;
        }
    }
    pthread_mutex_unlock(&rt->threads_mu);
    free(old);
    atomic_fetch_sub(&rt->nthreads, 1);
}

/* ------------------------------------------------------------------ */
/* Signals and the eval breaker                                        */

static void on_sigint(int signo)
{
    (void)signo;
    gk__runtime *rt = gk__rt;
    if (!rt || !rt->main_thread)
        return;
    atomic_store(&rt->pending_signals, 1);
    atomic_fetch_or(&rt->main_thread->eval_breaker, GK_BREAK_SIGNALS);
    void (*unblock)(void *) = rt->main_thread->unblock;
    if (unblock)
        unblock(rt->main_thread->unblock_arg);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;              /* no SA_RESTART: blocking calls see EINTR */
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Returns -1 with KeyboardInterrupt pending if a SIGINT arrived and ts is
 * the main thread; 0 otherwise.  Safe to call often. */
int gk__check_signals(gk__tstate *ts)
{
    if (!ts->is_main)
        return 0;
    atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_SIGNALS);
    if (atomic_exchange(&ts->rt->pending_signals, 0)) {
        gk__raise(&gk__exc_KeyboardInterrupt, "");
        return -1;
    }
    return 0;
}

int gk__handle_eval_breaker(gk__tstate *ts)
{
    unsigned bits = atomic_load(&ts->eval_breaker);
    if (bits & GK_BREAK_GIL_DROP) {
        atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_GIL_DROP);
        if (atomic_load(&ts->rt->gil.waiters) > 0)
            gk__gil_yield(ts);
    }
    if (bits & GK_BREAK_SIGNALS) {
        if (gk__check_signals(ts) < 0)
            return -1;
    }
    if (bits & GK_BREAK_GC) {
        atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_GC);
        gk__gc_collect();
    }
    if (bits & GK_BREAK_ASYNC_EXC) {
        atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_ASYNC_EXC);
        if (ts->async_exc) {
            gk_object *exc = ts->async_exc;
            ts->async_exc = NULL;
            gk__raise_obj(exc);
            gk__decref(exc);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */

extern int gk__thread_module_init(gk_object *m);
extern int gk__time_module_init(gk_object *m);
extern int gk__gc_module_init(gk_object *m);
extern int gk__ffi_module_init(gk_object *m);

int gk__runtime_init(int argc, char **argv)
{
    gk__runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return -1;
    gk__gil_init(&rt->gil);
    pthread_mutex_init(&rt->threads_mu, NULL);
    atomic_init(&rt->nthreads, 0);
    atomic_init(&rt->finalizing, 0);
    atomic_init(&rt->pending_signals, 0);
    gk__rt = rt;
    gk__tstate *ts = gk__tstate_new(rt);
    if (!ts)
        return -1;
    ts->is_main = true;
    snprintf(ts->name, sizeof ts->name, "MainThread");
    rt->main_thread = ts;
    gk__current = ts;
    gk__gil_acquire(ts);

    if (gk__types_init() < 0)
        goto fail;
    if (!rt->interned && !(rt->interned = gk__dict_new()))
        goto fail;
    if (!(rt->modules = gk__dict_new()))
        goto fail;
    if (!(rt->builtins_module = gk__builtins_module_new()))
        goto fail;
    rt->builtins = gk__module_dict(rt->builtins_module);
    if (gk__dict_set_cstr(rt->modules, "builtins", rt->builtins_module) < 0)
        goto fail;
    if (!(rt->sys = gk__sys_module_new(argc, argv)))
        goto fail;
    if (gk__dict_set_cstr(rt->modules, "sys", rt->sys) < 0)
        goto fail;
    if (gk__register_builtin_module("_thread", gk__thread_module_init) < 0 ||
        gk__register_builtin_module("time", gk__time_module_init) < 0 ||
        gk__register_builtin_module("gc", gk__gc_module_init) < 0 ||
        gk__register_builtin_module("ffi", gk__ffi_module_init) < 0)
        goto fail;
    install_signals();
    return 0;
fail:
    if (gk__err_occurred()) {
        gk_object *exc = gk__err_fetch();
        gk__print_exception(exc);
        gk__decref(exc);
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Running the main script                                             */

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *size = n;
    }
    return buf;
}

/* Maps the exception that ended the program to an exit status, printing
 * it the way python3 does.  Consumes exc. */
static int exit_status_for(gk_object *exc)
{
    int status = 1;
    if (gk__exc_matches(exc, (gk_object *)&gk__exc_SystemExit)) {
        gk_object *code = gk__getattr_cstr(exc, "code");
        if (!code) {
            gk__err_clear();
            status = 0;
        } else if (code == GK_NONE) {
            status = 0;
        } else if (gk__is_int(code)) {
            status = (int)gk__int_as_i64(code);
            gk__err_clear();
        } else {
            gk_object *s = gk__str(code);
            if (s) {
                fprintf(stderr, "%s\n", gk__str_utf8(s));
                gk__decref(s);
            }
            gk__err_clear();
            status = 1;
        }
        gk__xdecref(code);
    } else {
        fflush(stdout);
        gk__print_exception(exc);
        if (gk__exc_matches(exc, (gk_object *)&gk__exc_KeyboardInterrupt))
            status = 130;
    }
    gk__decref(exc);
    return status;
}

/* Runs source as module __main__; returns the exit status. */
static int run_main_source(const char *src, size_t size, const char *filename)
{
    gk_object *fname = gk__str_from_cstr(filename);
    gk_object *mod = NULL, *code = NULL, *res = NULL;
    if (!fname)
        goto fail;
    code = gk__compile_source(src, size, fname, 0);
    if (!code)
        goto fail;
    if (gk__rt->dump_code)
        gk__code_dump(code);
    mod = gk__module_new(gk__str_intern("__main__"));
    if (!mod)
        goto fail;
    gk_object *d = gk__module_dict(mod);
    if (gk__dict_set_cstr(gk__rt->modules, "__main__", mod) < 0 ||
        gk__dict_set_cstr(d, "__file__", fname) < 0 ||
        gk__dict_set_cstr(d, "__builtins__", gk__rt->builtins_module) < 0)
        goto fail;
    res = gk__eval_code(code, d, d);
    if (!res)
        goto fail;
    gk__decref(res);
    gk__decref(code);
    gk__decref(mod);
    gk__decref(fname);
    return 0;
fail:
    gk__xdecref(code);
    gk__xdecref(mod);
    gk__xdecref(fname);
    return exit_status_for(gk__err_fetch());
}

int gk__run_file(const char *path)
{
    size_t size;
    char *src = read_file(path, &size);
    if (!src) {
        fprintf(stderr, "gilkit: can't open file '%s': [Errno %d] %s\n", path, errno, strerror(errno));
        return 2;
    }
    /* Like python3 (3.9+), __main__.__file__ and tracebacks use the absolute path. */
    char abspath[4096];
    if (path[0] != '/' && strcmp(path, "/dev/stdin") != 0 && getcwd(abspath, sizeof abspath)) {
        size_t n = strlen(abspath);
        snprintf(abspath + n, sizeof abspath - n, "/%s", path);
    } else {
        snprintf(abspath, sizeof abspath, "%s", path);
    }
    int status = run_main_source(src, size, abspath);
    free(src);
    return status;
}

int gk__run_string(const char *src, const char *filename)
{
    return run_main_source(src, strlen(src), filename);
}

/* ------------------------------------------------------------------ */
/* Shutdown                                                            */

/* Calls threading._shutdown() if the threading module was imported, so
 * that non-daemon threads are joined.  Returns an exit status override
 * (non-zero) if that raised. */
static int join_threads(void)
{
    gk_object *threading = gk__dict_get_cstr(gk__rt->modules, "threading");
    if (!threading)
        return 0;
    gk_object *r = gk__call_method(threading, "_shutdown", NULL, 0);
    if (!r)
        return exit_status_for(gk__err_fetch());
    gk__decref(r);
    return 0;
}

static void print_ms(const char *label, uint64_t ns)
{
    fprintf(stderr, " %s=%.3fms", label, (double)ns / 1e6);
}

void gk__print_gilstats(void)
{
    gk__runtime *rt = gk__rt;
    gk__tstate *ts = gk__current;
    if (ts && ts->holds_gil) {   /* close the current hold so it counts */
        uint64_t now = gk__stats_now();
        uint64_t held = now > ts->stats.hold_start ? now - ts->stats.hold_start : 0;
        ts->stats.hold += held;
        if (held > ts->stats.longest_hold)
            ts->stats.longest_hold = held;
        ts->stats.hold_start = now;
    }
    fprintf(stderr, "gilkit: GIL statistics per thread (switch interval %.3f ms, clock %s)\n",
            gk__gil_get_interval(&rt->gil) * 1e3, gk__stats_clock_name());
    pthread_mutex_lock(&rt->threads_mu);
    gk__tstate *last = rt->threads;
    while (last && last->next)
        last = last->next;
    for (gk__tstate *t = last; t; t = t->prev) {   /* oldest first */
        fprintf(stderr, "  %-16s", t->name[0] ? t->name : "(native)");
        print_ms("held", gk__stats_ns(t->stats.hold));
        print_ms("waited", gk__stats_ns(t->stats.wait));
        print_ms("longest_hold", gk__stats_ns(t->stats.longest_hold));
        print_ms("longest_wait", gk__stats_ns(t->stats.longest_wait));
        fprintf(stderr, " forced=%llu voluntary=%llu acquisitions=%llu waits=%llu\n",
                (unsigned long long)t->stats.forced_switches,
                (unsigned long long)t->stats.voluntary_switches,
                (unsigned long long)t->stats.acquisitions,
                (unsigned long long)t->stats.waits);
    }
    if (rt->ended_folded) {
        const gk__gilstats *e = &rt->ended_stats;
        fprintf(stderr, "  (%llu more ended threads, summed; longest: the most of any)\n  %-16s",
                (unsigned long long)rt->ended_folded, "");
        print_ms("held", gk__stats_ns(e->hold));
        print_ms("waited", gk__stats_ns(e->wait));
        print_ms("longest_hold", gk__stats_ns(e->longest_hold));
        print_ms("longest_wait", gk__stats_ns(e->longest_wait));
        fprintf(stderr, " forced=%llu voluntary=%llu acquisitions=%llu waits=%llu\n",
                (unsigned long long)e->forced_switches, (unsigned long long)e->voluntary_switches,
                (unsigned long long)e->acquisitions, (unsigned long long)e->waits);
    }
    pthread_mutex_unlock(&rt->threads_mu);
}

int gk__runtime_fini(void)
{
    gk__runtime *rt = gk__rt;
    int status = join_threads();
    atomic_store(&rt->finalizing, 1);
    fflush(stdout);
    fflush(stderr);
    if (rt->gilstats_at_exit)
        gk__print_gilstats();
    /* Other threads (daemons) may still be running or blocked waiting for
     * the GIL, so the runtime's memory is left to the process exit. */
    return status;
}

const char *gk_version(void)
{
    return "0.1.0";
}

void gk__runtime_free(void)
{
    gk__runtime *rt = gk__rt;
    if (!rt)
        return;
    gk__tstate *ts = gk__current;
    if (ts && ts->holds_gil)
        gk__gil_release(ts, GK_RELEASE_EXIT);
    signal(SIGINT, SIG_DFL);
    /* Objects made by this runtime are not freed one by one (static types
     * keep their dicts for the next runtime); the thread states go. */
    pthread_mutex_lock(&rt->threads_mu);
    gk__tstate *t = rt->threads;
    rt->threads = NULL;
    pthread_mutex_unlock(&rt->threads_mu);
    while (t) {
        gk__tstate *next = t->next;
        free(t);
        t = next;
    }
    gk__current = NULL;
    gk__rt = NULL;
}
