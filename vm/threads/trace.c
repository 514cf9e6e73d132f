/*
 * vm/threads/trace.c - the GIL event hook (gk_trace_set_hook) and the
 * -X giltrace writer, which turns events into a Chrome/Perfetto trace-event
 * JSON file streamed to disk (memory stays bounded).
 *
 * Writer: each thread gets a track (tid = its ident) named after its
 * threading name, with spans "hold", "wait" and "blocked: LABEL" and
 * instant events for drop requests and forced switches.  The RELEASED hook
 * runs before the GIL is handed back and ACQUIRED after it is taken, so the
 * "hold" spans of different threads never overlap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "runtime.h"
#include "threads/trace_int.h"

_Atomic(gk_trace_hook) gk__trace_hook;
static _Atomic(void *) hook_arg;
static _Thread_local const char *block_label;

gk_trace_hook gk_trace_set_hook(gk_trace_hook hook, void *arg)
{
    atomic_store_explicit(&hook_arg, arg, memory_order_relaxed);
    return atomic_exchange_explicit(&gk__trace_hook, hook, memory_order_acq_rel);
}

void gk_trace_set_label(const char *label)
{
    block_label = label;
}

void gk__trace_emit(gk__tstate *ts, gk_trace_event ev, gk_trace_reason reason)
{
    gk_trace_hook hook = atomic_load_explicit(&gk__trace_hook, memory_order_acquire);
    if (!hook || !ts)
        return;
    gk_trace_info info = {
        .event = ev, .reason = reason, .time_ns = gk__now_ns(),
        .thread_id = ts->ident, .thread_name = ts->name,
        .label = reason == GK_TRACE_REASON_BLOCKING ? block_label : NULL,
    };
    hook(&info, atomic_load_explicit(&hook_arg, memory_order_relaxed));
    if (ev == GK_TRACE_ACQUIRED)
        block_label = NULL;
}

/* ---- the trace-event JSON writer ---- */

enum span { SPAN_NONE, SPAN_WAIT, SPAN_HOLD, SPAN_BLOCKED };

typedef struct tstrack {
    struct tstrack *next;
    uint64_t tid;
    enum span open;
    char open_name[80];
    char name[64];             /* last name written as metadata */
} tstrack;

static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static tstrack *tracks;        /* wmu */
static uint64_t t_origin;
static _Thread_local tstrack *my_track;

static void put_json_string(const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void put_event(char ph, const char *name, uint64_t tid, uint64_t t)
{
    fputs(",\n{\"ph\":\"", out);
    fputc(ph, out);
    fputs("\",\"name\":", out);
    put_json_string(name);
    fprintf(out, ",\"pid\":1,\"tid\":%llu,\"ts\":%.3f", (unsigned long long)tid,
            (double)(t - t_origin) / 1000.0);
    if (ph == 'i')
        fputs(",\"s\":\"t\"", out);
    fputc('}', out);
}

static void close_span(tstrack *k, uint64_t t)
{
    if (k->open != SPAN_NONE)
        put_event('E', k->open_name, k->tid, t);
    k->open = SPAN_NONE;
}

static void open_span(tstrack *k, enum span s, const char *name, uint64_t t)
{
    close_span(k, t);
    k->open = s;
    snprintf(k->open_name, sizeof k->open_name, "%s", name);
    put_event('B', k->open_name, k->tid, t);
}

static void writer_hook(const gk_trace_info *e, void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wmu);
    if (!out)
        goto done;
    tstrack *k = my_track;
    if (!k || k->tid != e->thread_id) {
        for (k = tracks; k && k->tid != e->thread_id; k = k->next)
            ;
        if (!k) {
            k = calloc(1, sizeof *k);
            if (!k)
                goto done;
            k->tid = e->thread_id;
            k->next = tracks;
            tracks = k;
        }
        my_track = k;
    }
    if (strcmp(k->name, e->thread_name) != 0) {
        snprintf(k->name, sizeof k->name, "%s", e->thread_name);
        fprintf(out, ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%llu,\"args\":{\"name\":",
                (unsigned long long)k->tid);
        put_json_string(k->name);
        fputs("}}", out);
    }
    switch (e->event) {
    case GK_TRACE_WANT:
        if (k->open != SPAN_WAIT)
            open_span(k, SPAN_WAIT, "wait", e->time_ns);
        break;
    case GK_TRACE_ACQUIRED:
        open_span(k, SPAN_HOLD, "hold", e->time_ns);
        break;
    case GK_TRACE_RELEASED:
        if (e->reason == GK_TRACE_REASON_FORCED) {
            close_span(k, e->time_ns);
            put_event('i', "forced switch", k->tid, e->time_ns);
            open_span(k, SPAN_WAIT, "wait", e->time_ns);
        } else if (e->reason == GK_TRACE_REASON_BLOCKING) {
            char label[80];
            snprintf(label, sizeof label, "blocked: %s", e->label ? e->label : "C call");
            open_span(k, SPAN_BLOCKED, label, e->time_ns);
        } else {
            close_span(k, e->time_ns);
        }
        break;
    case GK_TRACE_DROP_REQUEST:
        put_event('i', "drop request", k->tid, e->time_ns);
        break;
    case GK_TRACE_THREAD_EXIT:
        close_span(k, e->time_ns);
        break;
    case GK_TRACE_THREAD_START:
        break;
    }
done:
    pthread_mutex_unlock(&wmu);
}

int gk__giltrace_open(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    pthread_mutex_lock(&wmu);
    out = f;
    t_origin = gk__now_ns();
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
          "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":\"gilkit\"}}", out);
    pthread_mutex_unlock(&wmu);
    gk_trace_set_hook(writer_hook, NULL);
    return 0;
}

void gk__giltrace_close(void)
{
    if (atomic_load(&gk__trace_hook) == writer_hook)
        gk_trace_set_hook(NULL, NULL);
    pthread_mutex_lock(&wmu);
    if (out) {
        uint64_t t = gk__now_ns();
        for (tstrack *k = tracks; k; k = k->next)
            close_span(k, t);
        fputs("\n]}\n", out);
        fclose(out);
        out = NULL;
    }
    while (tracks) {
        tstrack *k = tracks;
        tracks = k->next;
        free(k);
    }
    pthread_mutex_unlock(&wmu);
}
