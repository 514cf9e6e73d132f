"""runpy - run a module found on sys.path as __main__ (gilkit -m NAME)."""
import sys


def _find(name):
    rel = name.replace(".", "/")
    for d in sys.path:
        base = d if d else "."
        for cand in (base + "/" + rel + ".py", base + "/" + rel + "/__main__.py"):
            try:
                f = open(cand)
            except OSError:
                continue
            src = f.read()
            f.close()
            return cand, src
    return None, None


def _run_module_as_main(name):
    """Runs module `name` as __main__, with sys.argv[0] set to its file."""
    path, src = _find(name)
    if path is None:
        raise ImportError("No module named %s" % name)
    sys.argv[0] = path
    g = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    exec(compile(src, path, "exec"), g)
