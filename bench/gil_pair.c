/*
 * bench/gil_pair.c - the cost of releasing and retaking the GIL when no
 * other thread wants it (what an extension pays around a short call), and
 * of a native thread's attach+detach after its first attach.
 *   make bench/gil_pair && ./bench/gil_pair
 */
#include <stdio.h>
#include <time.h>
#include "gilkit.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    const int n = 5000000;
    if (gk_runtime_start(0, NULL) < 0)
        return 1;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        GK_BEGIN_ALLOW_THREADS
        GK_END_ALLOW_THREADS
    }
    double pair = (now() - t0) / n * 1e9, attach;
    GK_BEGIN_ALLOW_THREADS
    gk_thread_attach();
    gk_thread_detach();
    t0 = now();
    for (int i = 0; i < n; i++) {
        gk_thread_attach();
        gk_thread_detach();
    }
    attach = (now() - t0) / n * 1e9;
    GK_END_ALLOW_THREADS
    printf("uncontended release+reacquire: %.1f ns\n", pair);
    printf("attach+detach (cached thread state): %.1f ns\n", attach);
    return 0;
}
