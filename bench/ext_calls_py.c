/*
 * bench/ext_calls_py.c - the CPython side of bench/ext_calls.py (which
 * builds it against python3's headers): a METH_O no-op, and
 * PyGILState_Ensure+Release pairs timed on a native thread after its
 * first pair.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <time.h>

static PyObject *noop(PyObject *self, PyObject *arg)
{
    (void)self, (void)arg;
    Py_RETURN_NONE;
}

struct pairs {
    long n;
    int keep;       /* 1: an outer Ensure keeps the thread state between pairs */
    double ns;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *pairs_main(void *arg)
{
    struct pairs *p = arg;
    PyGILState_STATE outer = PyGILState_UNLOCKED;
    PyThreadState *saved = NULL;
    if (p->keep) {
        outer = PyGILState_Ensure();
        saved = PyEval_SaveThread();
    }
    PyGILState_Release(PyGILState_Ensure());
    double t0 = now();
    for (long i = 0; i < p->n; i++)
        PyGILState_Release(PyGILState_Ensure());
    p->ns = (now() - t0) / (double)p->n;
    if (p->keep) {
        PyEval_RestoreThread(saved);
        PyGILState_Release(outer);
    }
    return NULL;
}

/* attach_pairs(n, keep) -> ns per pair; keep: the thread state is kept
 * between pairs (an outer Ensure, as gilkit keeps one per native thread),
 * else each pair makes and frees one. */
static PyObject *attach_pairs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 2)
        return PyErr_SetString(PyExc_TypeError, "attach_pairs(n, keep)"), NULL;
    struct pairs p = { PyLong_AsLong(args[0]), PyObject_IsTrue(args[1]), -1 };
    if (p.n <= 0)
        return PyErr_Occurred() ? NULL : (PyErr_SetString(PyExc_ValueError, "n > 0"), NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, pairs_main, &p) != 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    Py_BEGIN_ALLOW_THREADS
    pthread_join(th, NULL);
    Py_END_ALLOW_THREADS
    return PyFloat_FromDouble(p.ns);
}

static PyMethodDef methods[] = {
    { "noop", noop, METH_O, "noop(x) -> None" },
    { "attach_pairs", (PyCFunction)(void (*)(void))attach_pairs, METH_FASTCALL, "attach_pairs(n, keep) -> ns per pair" },
    { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = { PyModuleDef_HEAD_INIT, "ext_calls_py", NULL, -1, methods };

PyMODINIT_FUNC PyInit_ext_calls_py(void)
{
    return PyModule_Create(&module);
}
