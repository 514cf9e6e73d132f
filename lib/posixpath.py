# lib/posixpath.py: os.path for POSIX paths (pure string work plus stat calls).
import _os

sep = "/"
curdir = "."
pardir = ".."
extsep = "."
devnull = "/dev/null"


def _S_IFMT(mode):
    return mode & 0o170000


def exists(p):
    try:
        _os.stat(p)
    except (OSError, ValueError, TypeError):
        return False
    return True


def lexists(p):
    try:
        _os.stat(p, False)
    except (OSError, ValueError, TypeError):
        return False
    return True


def isfile(p):
    try:
        return _S_IFMT(_os.stat(p)[0]) == 0o100000
    except (OSError, ValueError, TypeError):
        return False


def isdir(p):
    try:
        return _S_IFMT(_os.stat(p)[0]) == 0o040000
    except (OSError, ValueError, TypeError):
        return False


def islink(p):
    try:
        return _S_IFMT(_os.stat(p, False)[0]) == 0o120000
    except (OSError, ValueError, TypeError):
        return False


def getsize(p):
    return _os.stat(p)[6]


def getmtime(p):
    return _os.stat(p)[8]


def isabs(p):
    return p.startswith("/")


def join(a, *parts):
    path = a
    for b in parts:
        if b.startswith("/"):
            path = b
        elif not path or path.endswith("/"):
            path += b
        else:
            path += "/" + b
    return path


def split(p):
    i = p.rfind("/") + 1
    head, tail = p[:i], p[i:]
    if head and head != "/" * len(head):
        head = head.rstrip("/")
    return head, tail


def basename(p):
    return p[p.rfind("/") + 1:]


def dirname(p):
    return split(p)[0]


def splitext(p):
    i = p.rfind(".")
    s = p.rfind("/")
    if i <= s:
        return p, ""
    j = s + 1
    while j < i and p[j] == ".":
        j += 1
    if j == i:
        return p, ""
    return p[:i], p[i:]


def normpath(p):
    if not p:
        return "."
    initial = 1 if p.startswith("/") else 0
    if initial and p.startswith("//") and not p.startswith("///"):
        initial = 2
    out = []
    for c in p.split("/"):
        if c in ("", "."):
            continue
        if c != ".." or (not initial and not out) or (out and out[-1] == ".."):
            out.append(c)
        elif out:
            out.pop()
    p = "/".join(out)
    if initial:
        p = "/" * initial + p
    return p or "."


def abspath(p):
    if not isabs(p):
        p = join(_os.getcwd(), p)
    return normpath(p)


def expanduser(p):
    if not p.startswith("~"):
        return p
    i = p.find("/", 1)
    if i < 0:
        i = len(p)
    if i != 1:
        return p
    home = _os.environ().get("HOME")
    if home is None:
        return p
    return (home.rstrip("/") or "/") + p[i:]
