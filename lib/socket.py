# lib/socket.py: the socket module over the fd-level C layer in modules/_socket.c.
# Waits (accept, recv, send, connect) release the GIL in the C layer and are
# interruptible by Ctrl-C; timeouts are kept here and passed down in ms.
import _socket
from _socket import *

error = OSError
timeout = TimeoutError
herror = OSError


class gaierror(OSError):
    pass


_default_timeout = None


def getdefaulttimeout():
    return _default_timeout


def setdefaulttimeout(t):
    global _default_timeout
    _default_timeout = t


def _ms(t):
    if t is None:
        return -1
    ms = int(t * 1000)
    if t > 0 and ms == 0:
        ms = 1
    return ms


class socket:
    def __init__(self, family=-1, type=-1, proto=0, fileno=None):
        if family == -1:
            family = AF_INET
        if type == -1:
            type = SOCK_STREAM
        self.family = family
        self.type = type
        self.proto = proto
        if fileno is None:
            fileno = _socket.socket(family, type, proto)
        self._fd = fileno
        self._timeout = _default_timeout
        self._closed = False

    def __repr__(self):
        return "<socket.socket fd=%d, family=%d, type=%d, proto=%d>" % (self._fd, self.family, self.type, self.proto)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def fileno(self):
        return self._fd

    def _check(self):
        if self._fd < 0:
            raise OSError(9, "Bad file descriptor")

    def _addr(self, address):
        if self.family == AF_UNIX:
            return address, 0
        return address[0], address[1]

    def bind(self, address):
        self._check()
        h, p = self._addr(address)
        _socket.bind(self._fd, self.family, h, p)

    def listen(self, backlog=128):
        self._check()
        _socket.listen(self._fd, backlog)

    def accept(self):
        self._check()
        fd, addr = _socket.accept(self._fd, _ms(self._timeout))
        s = socket(self.family, self.type, self.proto, fd)
        s._timeout = self._timeout if self._timeout is not None else _default_timeout
        return s, addr

    def connect_ex(self, address):
        self._check()
        h, p = self._addr(address)
        return _socket.connect(self._fd, self.family, h, p, _ms(self._timeout))

    def connect(self, address):
        err = self.connect_ex(address)
        if err:
            _socket.raise_errno(err)

    def send(self, data, flags=0):
        self._check()
        return _socket.send(self._fd, bytes(data), flags, _ms(self._timeout))

    def sendall(self, data, flags=0):
        self._check()
        data = bytes(data)
        n = 0
        while n < len(data):
            n += _socket.send(self._fd, data[n:] if n else data, flags, _ms(self._timeout))
        return None

    def sendto(self, data, flags_or_addr, address=None):
        self._check()
        if address is None:
            flags, address = 0, flags_or_addr
        else:
            flags = flags_or_addr
        h, p = self._addr(address)
        return _socket.sendto(self._fd, bytes(data), flags, self.family, h, p, _ms(self._timeout))

    def recv(self, bufsize, flags=0):
        self._check()
        return _socket.recv(self._fd, bufsize, flags, _ms(self._timeout))

    def recvfrom(self, bufsize, flags=0):
        self._check()
        return _socket.recvfrom(self._fd, bufsize, flags, _ms(self._timeout))

    def shutdown(self, how):
        self._check()
        _socket.shutdown(self._fd, how)

    def close(self):
        if self._fd >= 0:
            fd = self._fd
            self._fd = -1
            _socket.close(fd)

    def detach(self):
        fd = self._fd
        self._fd = -1
        return fd

    def getsockname(self):
        self._check()
        return _socket.getsockname(self._fd)

    def getpeername(self):
        self._check()
        return _socket.getpeername(self._fd)

    def setsockopt(self, level, opt, value):
        self._check()
        _socket.setsockopt(self._fd, level, opt, value)

    def getsockopt(self, level, opt):
        self._check()
        return _socket.getsockopt(self._fd, level, opt)

    def settimeout(self, value):
        if value is not None and value < 0:
            raise ValueError("Timeout value out of range")
        self._timeout = value

    def gettimeout(self):
        return self._timeout

    def setblocking(self, flag):
        self._timeout = None if flag else 0.0

    def getblocking(self):
        return self._timeout != 0.0

    def makefile(self, mode="r", buffering=None, encoding=None, errors=None, newline=None):
        return _SocketFile(self, mode)


class _SocketFile:
    # A minimal unbuffered file over a socket: read, readline, write, flush, close.
    def __init__(self, sock, mode):
        self._sock = sock
        self._text = "b" not in mode
        self._buf = b""

    def _fill(self):
        chunk = self._sock.recv(8192)
        self._buf += chunk
        return len(chunk) > 0

    def _out(self, b):
        return b.decode() if self._text else b

    def read(self, n=-1):
        while (n < 0 or len(self._buf) < n) and self._fill():
            pass
        if n < 0:
            n = len(self._buf)
        r = self._buf[:n]
        self._buf = self._buf[n:]
        return self._out(r)

    def readline(self):
        while b"\n" not in self._buf and self._fill():
            pass
        i = self._buf.find(b"\n")
        i = len(self._buf) if i < 0 else i + 1
        r = self._buf[:i]
        self._buf = self._buf[i:]
        return self._out(r)

    def write(self, data):
        if self._text:
            data = data.encode()
        self._sock.sendall(data)
        return len(data)

    def flush(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
    a, b = _socket.socketpair(family, type, proto)
    return socket(family, type, proto, a), socket(family, type, proto, b)


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    if port is not None:
        port = str(port)
    r = _socket.getaddrinfo(host, port, family, type, proto, flags)
    if isinstance(r, tuple):
        raise gaierror(r[0], r[1])
    return r


def gethostname():
    import os
    return os.uname()[1] if hasattr(os, "uname") else "localhost"


def create_connection(address, timeout=None, source_address=None):
    host, port = address
    err = None
    for family, type, proto, _canon, sa in getaddrinfo(host, port, 0, SOCK_STREAM):
        s = socket(family, type, proto)
        try:
            if timeout is not None:
                s.settimeout(timeout)
            if source_address is not None:
                s.bind(source_address)
            s.connect(sa)
            return s
        except OSError as e:
            err = e
            s.close()
    if err is not None:
        raise err
    raise OSError("getaddrinfo returns an empty list")


def create_server(address, family=AF_INET, backlog=None, reuse_port=False):
    s = socket(family, SOCK_STREAM)
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    s.bind(address)
    s.listen(128 if backlog is None else backlog)
    return s
