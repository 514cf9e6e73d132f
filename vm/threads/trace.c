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
    char tid_text[24];         /* tid in decimal, formatted once */
    size_t tid_len;
} tstrack;

static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static tstrack *tracks;        /* wmu */
static uint64_t t_origin;
static _Thread_local tstrack *my_track;

/* Events are formatted by hand into a line buffer and written with one
 * fwrite: printf's float formatting alone cost ~5000 instructions an event,
 * which made tracing an I/O-bound program several times slower. */
typedef struct line {
    char b[320];
    size_t n;
} line;

static void put_raw(line *l, const char *s, size_t n)
{
    if (n > sizeof l->b - l->n)
        n = sizeof l->b - l->n;
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

#define PUT_LIT(l, lit) put_raw((l), (lit), sizeof(lit) - 1)

static void put_u64(line *l, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_raw(l, tmp + i, sizeof tmp - i);
}

/* A JSON string; at most 100 bytes of s (names and labels are short). */
static void put_json(line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put_raw(l, "\"", 1);
    const char *end = s + strnlen(s, 100);
    while (s < end) {
        const char *run = s;
        while (s < end && (unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
            s++;
        put_raw(l, run, (size_t)(s - run));
        if (s == end)
            break;
        unsigned char c = (unsigned char)*s++;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            put_raw(l, e, 2);
        } else {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            put_raw(l, e, 6);
        }
    }
    put_raw(l, "\"", 1);
}

static void put_event(char ph, const char *name, const tstrack *k, uint64_t t)
{
    line l;
    l.n = 0;
    PUT_LIT(&l, ",\n{\"ph\":\"");
    put_raw(&l, &ph, 1);
    PUT_LIT(&l, "\",\"name\":");
    put_json(&l, name);
    PUT_LIT(&l, ",\"pid\":1,\"tid\":");
    put_raw(&l, k->tid_text, k->tid_len);
    /* "ts" in microseconds with three decimals, as %.3f would print it */
    uint64_t d = t >= t_origin ? t - t_origin : 0;
    PUT_LIT(&l, ",\"ts\":");
    put_u64(&l, d / 1000);
    char frac[4] = { '.', (char)('0' + d % 1000 / 100), (char)('0' + d % 100 / 10), (char)('0' + d % 10) };
    put_raw(&l, frac, 4);
    if (ph == 'i')
        PUT_LIT(&l, ",\"s\":\"t\"");
    put_raw(&l, "}", 1);
    fwrite(l.b, 1, l.n, out);
}

static void put_json_string(const char *s)
{
    line l;
    l.n = 0;
    put_json(&l, s);
    fwrite(l.b, 1, l.n, out);
}

static void close_span(tstrack *k, uint64_t t)
{
    if (k->open != SPAN_NONE)
        put_event('E', k->open_name, k, t);
    k->open = SPAN_NONE;
}

static void open_span(tstrack *k, enum span s, const char *name, uint64_t t)
{
    close_span(k, t);
    k->open = s;
    size_t n = strlen(name);
    if (n >= sizeof k->open_name)
        n = sizeof k->open_name - 1;
    memcpy(k->open_name, name, n);
    k->open_name[n] = 0;
    put_event('B', k->open_name, k, t);
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
            k->tid_len = (size_t)snprintf(k->tid_text, sizeof k->tid_text, "%llu",
                                          (unsigned long long)k->tid);
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
            put_event('i', "forced switch", k, e->time_ns);
            open_span(k, SPAN_WAIT, "wait", e->time_ns);
        } else if (e->reason == GK_TRACE_REASON_BLOCKING) {
            char label[80];
            const char *what = e->label ? e->label : "C call";
            size_t n = strlen(what);
            if (n > sizeof label - 10)
                n = sizeof label - 10;
            memcpy(label, "blocked: ", 9);
            memcpy(label + 9, what, n);
            label[9 + n] = 0;
            open_span(k, SPAN_BLOCKED, label, e->time_ns);
        } else {
            close_span(k, e->time_ns);
        }
        break;
    case GK_TRACE_DROP_REQUEST:
        put_event('i', "drop request", k, e->time_ns);
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
