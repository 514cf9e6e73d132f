/*
 * tests/ffi/ffitest.c - a plain C library (no gilkit headers) that the ffi
 * tests and bench/ffi_calls.py load with ffi.open() or ctypes: functions to
 * bind, and functions that call a callback from the calling thread or from
 * threads they start (native threads the runtime has never seen).
 *
 *   make tests/ext/libffitest.so
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

int plusone(int x);
int call_here(int (*cb)(int), int x);
long long call_in_threads(int (*cb)(int), int nthreads, int ncalls);
double call_in_thread_ns(int (*cb)(int), int ncalls);
double apply_mixed(double (*cb)(double, int, double), double a, int b, double c);
float apply_float(float (*cb)(float), float x);
int apply_str(int (*cb)(const char *, int), const char *s);
int apply_narrow(int (*cb)(signed char, unsigned short, _Bool), int a, int b, int c);
uint64_t apply_u64(uint64_t (*cb)(uint64_t, int64_t), uint64_t a, int64_t b);
void *apply_ptr(void *(*cb)(void *), void *p);
void call_void_in_thread(void (*cb)(long), long v);
int sum6(int a, int b, int c, int d, int e, int f);
double mix7(int a, double b, long c, double d, unsigned char e, double f, short g);
int64_t wide(int8_t a, uint8_t b, int16_t c, uint16_t d, int32_t e, uint32_t f);

int plusone(int x)
{
    return x + 1;
}

int call_here(int (*cb)(int), int x)
{
    return cb(x) + cb(x + 1);
}

struct job {
    int (*cb)(int);
    int ncalls;
    long long sum;
    double ns;
};

static void *job_main(void *arg)
{
    struct job *j = arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < j->ncalls; i++)
        j->sum += j->cb(i);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    j->ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    return NULL;
}

/* Starts nthreads threads that each call cb(0) ... cb(ncalls - 1), joins
 * them and returns the sum of every result (-1 if a thread cannot start). */
long long call_in_threads(int (*cb)(int), int nthreads, int ncalls)
{
    if (nthreads < 1 || nthreads > 64)
        return -1;
    pthread_t t[64];
    struct job jobs[64];
    int started = 0;
    long long sum = 0;
    for (; started < nthreads; started++) {
        jobs[started] = (struct job){ cb, ncalls, 0, 0 };
        if (pthread_create(&t[started], NULL, job_main, &jobs[started]) != 0)
            break;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        sum += jobs[i].sum;
    }
    return started == nthreads ? sum : -1;
}

/* One new thread calls cb ncalls times; returns the ns per call it saw
 * (the first call, which attaches the thread, included). */
double call_in_thread_ns(int (*cb)(int), int ncalls)
{
    pthread_t t;
    struct job j = { cb, ncalls, 0, 0 };
    if (pthread_create(&t, NULL, job_main, &j) != 0)
        return -1;
    pthread_join(t, NULL);
    return ncalls > 0 ? j.ns / ncalls : 0;
}

double apply_mixed(double (*cb)(double, int, double), double a, int b, double c)
{
    return cb(a, b, c);
}

float apply_float(float (*cb)(float), float x)
{
    return cb(x);
}

int apply_str(int (*cb)(const char *, int), const char *s)
{
    return cb(s, 7);
}

int apply_narrow(int (*cb)(signed char, unsigned short, _Bool), int a, int b, int c)
{
    return cb((signed char)a, (unsigned short)b, c != 0);
}

uint64_t apply_u64(uint64_t (*cb)(uint64_t, int64_t), uint64_t a, int64_t b)
{
    return cb(a, b);
}

void *apply_ptr(void *(*cb)(void *), void *p)
{
    return cb(p);
}

struct vjob {
    void (*cb)(long);
    long v;
};

static void *vjob_main(void *arg)
{
    struct vjob *j = arg;
    j->cb(j->v);
    return NULL;
}

void call_void_in_thread(void (*cb)(long), long v)
{
    pthread_t t;
    struct vjob j = { cb, v };
    if (pthread_create(&t, NULL, vjob_main, &j) == 0)
        pthread_join(t, NULL);
}

int sum6(int a, int b, int c, int d, int e, int f)
{
    return a + b + c + d + e + f;
}

double mix7(int a, double b, long c, double d, unsigned char e, double f, short g)
{
    return a + b * 10 + (double)c * 100 + d * 1000 + e * 10000 + f * 100000 + g * 1000000;
}

int64_t wide(int8_t a, uint8_t b, int16_t c, uint16_t d, int32_t e, uint32_t f)
{
    return (int64_t)a + b + c + d + e + (int64_t)f;
}
