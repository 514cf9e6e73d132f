/* The correct twin of release_touch_bad.c: the reference is dropped after
 * the GIL is taken back. */
#include <gilkit.h>
#include <unistd.h>

void release_touch_good(gk_object *o);
void release_touch_good(gk_object *o)
{
    GK_BEGIN_ALLOW_THREADS
    usleep(1);
    GK_END_ALLOW_THREADS
    gk_decref(o);
}
