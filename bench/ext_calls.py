# Calling C from a script loop, side by side (bench/run.sh runs this under
# python3 and gilkit):
#  - a no-op object-level extension function, f(x) -> None, called from a
#    loop: gilkit's ext_calls_gk.noop against CPython's METH_O
#    ext_calls_py.noop (both modules are built by this script, in a folder
#    under $TMPDIR, from ext_calls_gk.c / ext_calls_py.c); `len(x)` on an empty tuple, a
#    METH_O builtin, is timed in both as a reference;
#  - attach+detach of a native thread after its first attach (gilkit
#    gk_thread_attach+gk_thread_detach, which keep one thread state per
#    native thread; CPython PyGILState_Ensure+Release with the thread state
#    kept by an outer Ensure, and, for reference, without: then every pair
#    makes and frees a thread state).
# Loop times are per iteration, the empty loop included (also shown).
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
build = os.path.join(os.environ.get("TMPDIR", "/tmp"), "gilkit-ext-calls-%d" % os.getpid())
gilkit = sys.implementation.name == "gilkit"


def compile_module():
    if not os.path.isdir(build):
        os.makedirs(build, exist_ok=True)
    if gilkit:
        cfg = os.path.join(here, "..", "gilkit-config")
        if not os.path.exists(cfg):
            cfg = "gilkit-config"
        flags = subprocess.run([cfg, "--cflags", "--ext-suffix"], capture_output=True).stdout.decode().split()
        src, out = "ext_calls_gk.c", "ext_calls_gk" + flags[-1]
        flags = flags[:-1]
    else:
        import sysconfig
        flags = ["-I" + sysconfig.get_paths()["include"]]
        src, out = "ext_calls_py.c", "ext_calls_py" + sysconfig.get_config_var("EXT_SUFFIX")
    cmd = ["cc", "-O2", "-shared", "-fPIC", "-pthread"] + flags + [os.path.join(here, src), "-o",
                                                                   os.path.join(build, out)]
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        print("cannot build %s: %s" % (src, r.stderr.decode()[-300:]))
        sys.exit(1)


compile_module()
sys.path.insert(0, build)
if gilkit:
    import ext_calls_gk as mod
else:
    import ext_calls_py as mod


def loop(f, x, n):
    t0 = time.perf_counter()
    for i in range(n):
        f(x)
    return time.perf_counter() - t0


def empty(n):
    t0 = time.perf_counter()
    for i in range(n):
        pass
    return time.perf_counter() - t0


n = 2000000
best = {}
for rnd in range(5):
    for name, f in [("ext noop", mod.noop), ("len", len)]:
        t = loop(f, (), n) / n * 1e9
        best[name] = min(best.get(name, t), t)
    t = empty(n) / n * 1e9
    best["empty"] = min(best.get("empty", t), t)
pairs = min(mod.attach_pairs(200000, True) for _ in range(3))
fresh = min(mod.attach_pairs(20000, False) for _ in range(3))
print("ext noop(x) loop %.1f ns/iter" % best["ext noop"])
print("len(x) loop %.1f ns/iter" % best["len"])
print("empty loop %.1f ns/iter" % best["empty"])
print("attach+detach (thread state kept) %.1f ns" % pairs)
if not gilkit:
    print("PyGILState_Ensure+Release, new thread state each time %.1f ns" % fresh)
for f in os.listdir(build):
    os.remove(os.path.join(build, f))
os.rmdir(build)
