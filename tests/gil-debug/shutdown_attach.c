/* Deliberately buggy extension (tests/unit/check_gildebug.c), class 3:
 * attaching during shutdown.  install_bad() registers a C atexit handler
 * that attaches to hand its statistics to Python code; it runs after the
 * runtime has begun to shut down, so the attach fails (-1 in every build,
 * and a report in the debug build).  install_good() is the correct twin:
 * the statistics are handed over by flush(), which the program calls
 * before it ends, and the atexit handler does C work only. */
#include <gilkit.h>
#include <stdio.h>
#include <stdlib.h>

static long events = 3;

static void hand_over_at_exit(void)
{
    if (gk_thread_attach() != 0) { /* bug: attach */
        fprintf(stderr, "shutdown_attach: attach refused\n");
        return;
    }
    gk_thread_detach();
}

static void forget_at_exit(void)
{
    events = 0;   /* C state only */
}

static gk_object *install_bad(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    atexit(hand_over_at_exit);
    return gk_none();
}

static gk_object *install_good(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    atexit(forget_at_exit);
    return gk_none();
}

static gk_object *flush(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    return gk_int_from_i64(events);
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("install_bad", install_bad, "attach from an atexit handler"),
    GK_OBJECT_FUNCTION("install_good", install_good, "the correct twin"),
    GK_OBJECT_FUNCTION("flush", flush, "hand the statistics over"),
    GK_FUNCTION_END,
};

GK_MODULE("shutdown_attach", "GIL-debug test: attaching during shutdown.", functions, NULL, 0);
