/* Deliberately buggy extension (tests/unit/check_gildebug.c), class 3:
 * unbalanced GIL calls, each with its correct twin.
 *  - release_twice: a helper that releases the GIL itself is called from
 *    inside a release block (the helper grew its own GK_BEGIN_ALLOW_THREADS
 *    later); twin: the helper expects the GIL released and does not
 *    release it again.
 *  - skip_end: an error path leaves the release block with goto, so the
 *    function returns to the VM without the GIL; twin: the error is noted
 *    and the block ends normally.
 *  - detach_unattached: gk_thread_detach() on a thread that never
 *    attached; twin: attach first. */
#include <gilkit.h>
#include <unistd.h>

static int wait_device(void)
{
    int r;
    GK_BEGIN_ALLOW_THREADS /* bug: release twice */
    r = usleep(100);
    GK_END_ALLOW_THREADS
    return r;
}

static int wait_device_released(void)
{
    return usleep(100);   /* called with the GIL released: no GIL calls */
}

static gk_object *release_twice(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    GK_BEGIN_ALLOW_THREADS /* bug: first release */
    wait_device();
    GK_END_ALLOW_THREADS
    return gk_none();
}

static gk_object *release_once(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    GK_BEGIN_ALLOW_THREADS
    wait_device_released();
    GK_END_ALLOW_THREADS
    return gk_none();
}

static int device_read(int fail)
{
    usleep(100);
    return fail ? -1 : 0;
}

static gk_object *skip_end(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    gk_object *result = gk_none();
    GK_BEGIN_ALLOW_THREADS /* bug: skipped end */
    if (device_read(1) < 0)
        goto done;
    GK_END_ALLOW_THREADS
done:
    return result;
}

static gk_object *end_always(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    int r;
    GK_BEGIN_ALLOW_THREADS
    r = device_read(1);
    GK_END_ALLOW_THREADS
    return r < 0 ? gk_bool(0) : gk_bool(1);
}

static gk_object *detach_unattached(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    gk_thread_detach(); /* bug: detach */
    return gk_none();
}

static gk_object *detach_attached(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    if (gk_thread_attach() != 0)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "attach failed");
    gk_thread_detach();
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("release_twice", release_twice, "a nested GK_BEGIN_ALLOW_THREADS"),
    GK_OBJECT_FUNCTION("release_once", release_once, "twin of release_twice"),
    GK_OBJECT_FUNCTION("skip_end", skip_end, "goto out of a release block"),
    GK_OBJECT_FUNCTION("end_always", end_always, "twin of skip_end"),
    GK_OBJECT_FUNCTION("detach_unattached", detach_unattached, "detach without attach"),
    GK_OBJECT_FUNCTION("detach_attached", detach_attached, "twin of detach_unattached"),
    GK_FUNCTION_END,
};

GK_MODULE("unbalanced", "GIL-debug test: unbalanced GIL calls.", functions, NULL, 0);
