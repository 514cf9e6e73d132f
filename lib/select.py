# lib/select.py: select.select and select.poll over modules/_select.c, whose
# one poll() call waits with the GIL released and is interruptible by Ctrl-C.
import _select
from _select import POLLIN, POLLOUT, POLLPRI, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM, POLLRDHUP

error = OSError


def _fd(obj):
    if isinstance(obj, int):
        fd = obj
    else:
        fd = obj.fileno()
    if fd < 0:
        raise ValueError("file descriptor cannot be a negative integer (%d)" % fd)
    return fd


def select(rlist, wlist, xlist, timeout=None):
    if timeout is not None and timeout < 0:
        raise ValueError("timeout must be non-negative")
    events = {}
    objs = {}
    for lst, ev in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLPRI)):
        for o in lst:
            fd = _fd(o)
            events[fd] = events.get(fd, 0) | ev
    fds = list(events.keys())
    ms = -1 if timeout is None else int(timeout * 1000 + 0.999)
    ready = dict(_select.poll(fds, [events[f] for f in fds], ms, 1))
    for fd, rev in ready.items():
        if rev & POLLNVAL:
            raise OSError(9, "Bad file descriptor")
    r = [o for o in rlist if ready.get(_fd(o), 0) & (POLLIN | POLLHUP | POLLERR)]
    w = [o for o in wlist if ready.get(_fd(o), 0) & (POLLOUT | POLLERR)]
    x = [o for o in xlist if ready.get(_fd(o), 0) & POLLPRI]
    return r, w, x


class _Poll:
    def __init__(self):
        self._map = {}

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT):
        self._map[_fd(fd)] = eventmask

    def modify(self, fd, eventmask):
        fd = _fd(fd)
        if fd not in self._map:
            raise FileNotFoundError(2, "No such file or directory")
        self._map[fd] = eventmask

    def unregister(self, fd):
        del self._map[_fd(fd)]

    def poll(self, timeout=None):
        if timeout is None or timeout < 0:
            ms = -1
        else:
            ms = int(timeout)
        fds = list(self._map.keys())
        return _select.poll(fds, [self._map[f] for f in fds], ms)


def poll():
    return _Poll()
