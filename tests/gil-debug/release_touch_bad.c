/* Deliberately wrong (tests/gil-compile.sh): drops a reference while the GIL
 * is released; must not compile. */
#include <gilkit.h>
#include <unistd.h>

void release_touch_bad(gk_object *o);
void release_touch_bad(gk_object *o)
{
    GK_BEGIN_ALLOW_THREADS
    usleep(1);
    gk_decref(o);
    GK_END_ALLOW_THREADS
}
