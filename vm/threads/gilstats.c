/*
 * vm/threads/gilstats.c - _thread._gilstats(): the per-thread GIL
 * statistics (the -X gilstats numbers) as a dict, for scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include "runtime.h"
#include "objects.h"
#include "threads/trace_int.h"

typedef struct snap {
    uint64_t ident;
    char name[64];
    gk__gilstats st;
    bool alive, holding;
} snap;

static int put(gk_object *d, const char *key, gk_object *v)
{
    if (!v)
        return -1;
    gk_object *k = gk__str_from_cstr(key);
    int r = k ? gk__dict_set(d, k, v) : -1;
    gk__xdecref(k);
    gk__decref(v);
    return r;
}

static gk_object *one(const snap *s)
{
    gk_object *d = gk__dict_new();
    if (!d)
        return NULL;
    if (put(d, "name", gk__str_from_cstr(s->name[0] ? s->name : "(native)")) < 0 ||
        put(d, "alive", gk__bool(s->alive)) < 0 ||
        put(d, "holding", gk__bool(s->holding)) < 0 ||
        put(d, "hold_s", gk__float_new((double)gk__stats_ns(s->st.hold) / 1e9)) < 0 ||
        put(d, "wait_s", gk__float_new((double)gk__stats_ns(s->st.wait) / 1e9)) < 0 ||
        put(d, "longest_hold_s", gk__float_new((double)gk__stats_ns(s->st.longest_hold) / 1e9)) < 0 ||
        put(d, "longest_wait_s", gk__float_new((double)gk__stats_ns(s->st.longest_wait) / 1e9)) < 0 ||
        put(d, "forced_switches", gk__int_from_u64(s->st.forced_switches)) < 0 ||
        put(d, "voluntary_switches", gk__int_from_u64(s->st.voluntary_switches)) < 0 ||
        put(d, "acquisitions", gk__int_from_u64(s->st.acquisitions)) < 0 ||
        put(d, "waits", gk__int_from_u64(s->st.waits)) < 0)
        goto fail;
    return d;
fail:
    gk__decref(d);
    return NULL;
}

/* _gilstats() -> {ident: {name, alive, holding, hold_s, wait_s, longest_hold_s,
 * longest_wait_s, forced_switches, voluntary_switches, acquisitions, waits}}.
 * New reference; GIL held.  The caller's current hold is counted. */
gk_object *gk__thread_gilstats(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    (void)self; (void)args;
    if (gk__check_args("_gilstats", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk__runtime *rt = gk__rt;
    gk__tstate *me = gk__current;
    uint64_t now = gk__stats_now();
    size_t n = 0, cap = 8;
    gk_object *result = NULL;
    snap *v = malloc(cap * sizeof *v);
    if (!v)
        return gk__raise(&gk__exc_MemoryError, "out of memory");
    pthread_mutex_lock(&rt->threads_mu);
    gk__tstate *last = rt->threads;
    while (last && last->next)
        last = last->next;
    for (gk__tstate *t = last; t; t = t->prev) {   /* oldest first: a reused ident keeps the newest */
        if (n == cap) {
            snap *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
            cap *= 2;
        }
        v[n].ident = t->ident;
        snprintf(v[n].name, sizeof v[n].name, "%s", t->name);
        v[n].st = t->stats;
        v[n].alive = t->alive;
        v[n].holding = t == me;
        if (t == me) {
            uint64_t held = now > t->stats.hold_start ? now - t->stats.hold_start : 0;
            v[n].st.hold += held;
            if (held > v[n].st.longest_hold)
                v[n].st.longest_hold = held;
        }
        n++;
    }
    pthread_mutex_unlock(&rt->threads_mu);
    result = gk__dict_new();
    if (!result)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        gk_object *k = gk__int_from_u64(v[i].ident);
        gk_object *d = k ? one(&v[i]) : NULL;
        int r = d ? gk__dict_set(result, k, d) : -1;
        gk__xdecref(k);
        gk__xdecref(d);
        if (r < 0)
            goto fail;
    }
    free(v);
    return result;
fail:
    free(v);
    gk__xdecref(result);
    return NULL;
}
