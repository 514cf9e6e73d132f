/* Deliberately buggy extension (tests/unit/check_gildebug.c), class 1: a
 * reference dropped after the GIL was released.  The compile-time check
 * cannot see it because the decref sits in a helper called from inside the
 * release block (a cleanup function shared by error paths, say).
 * bad() is the bug; good() is the correct twin, which drops the scratch
 * object after GK_END_ALLOW_THREADS. */
#include <gilkit.h>
#include <unistd.h>

static void finish(gk_object *scratch)
{
    gk_decref(scratch); /* bug: decref */
}

static gk_object *bad(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    gk_object *scratch = gk_str_from_cstr("scratch buffer");
    GK_BEGIN_ALLOW_THREADS /* bug: released */
    usleep(1000);
    finish(scratch);
    GK_END_ALLOW_THREADS
    return gk_none();
}

static gk_object *good(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    gk_object *scratch = gk_str_from_cstr("scratch buffer");
    GK_BEGIN_ALLOW_THREADS
    usleep(1000);
    GK_END_ALLOW_THREADS
    finish(scratch);
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad", bad, "decref inside a release block, through a helper"),
    GK_OBJECT_FUNCTION("good", good, "the correct twin"),
    GK_FUNCTION_END,
};

GK_MODULE("release_decref", "GIL-debug test: decref after releasing the GIL.", functions, NULL, 0);
