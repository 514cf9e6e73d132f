# lib/os.py: the os module over the fd-level C layer in modules/_os.c.
# Blocking calls release the GIL in the C layer.
import sys
import _os
import posixpath as path

sys.modules["os.path"] = path

name = "posix"
sep = "/"
altsep = None
extsep = "."
pathsep = ":"
linesep = "\n"
curdir = "."
pardir = ".."
devnull = "/dev/null"
error = OSError

O_RDONLY = _os.O_RDONLY
O_WRONLY = _os.O_WRONLY
O_RDWR = _os.O_RDWR
O_CREAT = _os.O_CREAT
O_EXCL = _os.O_EXCL
O_TRUNC = _os.O_TRUNC
O_APPEND = _os.O_APPEND
O_NONBLOCK = _os.O_NONBLOCK
O_CLOEXEC = _os.O_CLOEXEC
SEEK_SET = _os.SEEK_SET
SEEK_CUR = _os.SEEK_CUR
SEEK_END = _os.SEEK_END
F_OK = _os.F_OK
R_OK = _os.R_OK
W_OK = _os.W_OK
X_OK = _os.X_OK

read = _os.read
write = _os.write
close = _os.close
pipe = _os.pipe
dup = _os.dup
fsync = _os.fsync
lseek = _os.lseek
unlink = _os.unlink
remove = _os.unlink
rmdir = _os.rmdir
getpid = _os.getpid
getcwd = _os.getcwd
chdir = _os.chdir
urandom = _os.urandom
strerror = _os.strerror
isatty = _os.isatty
get_blocking = _os.get_blocking
set_blocking = _os.set_blocking
cpu_count = _os.cpu_count
kill = _os.kill


def open(path, flags, mode=0o777):
    return _os.open(path, flags, mode)


def dup2(fd, fd2, inheritable=True):
    return _os.dup2(fd, fd2)


def rename(src, dst):
    try:
        _os.rename(src, dst)
    except OSError as e:
        raise type(e)(e.errno, e.strerror, src, None, dst) from None


def replace(src, dst):
    rename(src, dst)


def listdir(path="."):
    return _os.listdir(path)


def mkdir(path, mode=0o777):
    _os.mkdir(path, mode)


def makedirs(name, mode=0o777, exist_ok=False):
    head, tail = path.split(name)
    if not tail:
        head, tail = path.split(head)
    if head and tail and not path.exists(head):
        makedirs(head, mode, exist_ok=True)
    try:
        _os.mkdir(name, mode)
    except OSError:
        if not exist_ok or not path.isdir(name):
            raise


def access(path, mode):
    return _os.access(path, mode)


def getcwdb():
    return _os.getcwd().encode()


class stat_result:
    def __init__(self, t):
        self._t = t
        (self.st_mode, self.st_ino, self.st_dev, self.st_nlink, self.st_uid,
         self.st_gid, self.st_size, self.st_atime, self.st_mtime, self.st_ctime) = t

    def __getitem__(self, i):
        v = self._t[i]
        if isinstance(i, int) and 7 <= i % 10 <= 9:
            return int(v)
        return v

    def __len__(self):
        return 10

    def __repr__(self):
        return ("os.stat_result(st_mode=%d, st_ino=%d, st_dev=%d, st_nlink=%d, st_uid=%d, "
                "st_gid=%d, st_size=%d, st_atime=%d, st_mtime=%d, st_ctime=%d)"
                % (self.st_mode, self.st_ino, self.st_dev, self.st_nlink, self.st_uid,
                   self.st_gid, self.st_size, int(self.st_atime), int(self.st_mtime),
                   int(self.st_ctime)))


def stat(path, *, follow_symlinks=True):
    if isinstance(path, int):
        return stat_result(_os.fstat(path))
    return stat_result(_os.stat(path, follow_symlinks))


def lstat(path):
    return stat_result(_os.stat(path, False))


def fstat(fd):
    return stat_result(_os.fstat(fd))


def fspath(p):
    if isinstance(p, (str, bytes)):
        return p
    f = getattr(type(p), "__fspath__", None)
    if f is None:
        raise TypeError("expected str, bytes or os.PathLike object, not " + type(p).__name__)
    return f(p)


class _Environ:
    """os.environ: a dict-like snapshot taken at import; changes go to the process."""

    def __init__(self):
        self._data = _os.environ()

    def __getitem__(self, key):
        return self._data[key]

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError("str expected, not " + type(key).__name__)
        if not isinstance(value, str):
            raise TypeError("str expected, not " + type(value).__name__)
        _os.putenv(key, value)
        self._data[key] = value

    def __delitem__(self, key):
        del self._data[key]
        _os.putenv(key, None)

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(list(self._data))

    def __len__(self):
        return len(self._data)

    def get(self, key, default=None):
        return self._data.get(key, default)

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def pop(self, key, *default):
        if key in self._data:
            v = self._data[key]
            del self[key]
            return v
        if default:
            return default[0]
        raise KeyError(key)

    def setdefault(self, key, value):
        if key not in self._data:
            self[key] = value
        return self._data[key]

    def update(self, other=(), **kw):
        if hasattr(other, "keys"):
            other = [(k, other[k]) for k in other.keys()]
        for k, v in other:
            self[k] = v
        for k, v in kw.items():
            self[k] = v

    def copy(self):
        return dict(self._data)

    def __repr__(self):
        return "environ(" + repr(self._data) + ")"


environ = _Environ()


def getenv(key, default=None):
    return environ.get(key, default)


def putenv(key, value):
    _os.putenv(key, value)


def unsetenv(key):
    _os.putenv(key, None)
