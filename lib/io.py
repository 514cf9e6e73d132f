# lib/io.py: files and in-memory streams, and the builtin open().
# FileIO is the raw fd layer (over modules/_os.c, which drops the GIL around
# blocking calls); BufferedReader/BufferedWriter/BufferedRandom add a byte
# buffer; TextIOWrapper decodes UTF-8 with universal newlines on read.
import _os

DEFAULT_BUFFER_SIZE = 8192
SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2


class UnsupportedOperation(OSError, ValueError):
    pass


class IOBase:
    _closed = False

    @property
    def closed(self):
        return self._closed

    def _check_closed(self):
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self):
        return False

    def writable(self):
        return False

    def seekable(self):
        return False

    def _check_readable(self):
        self._check_closed()
        if not self.readable():
            raise UnsupportedOperation("not readable")

    def _check_writable(self):
        self._check_closed()
        if not self.writable():
            raise UnsupportedOperation("not writable")

    def flush(self):
        self._check_closed()

    def close(self):
        if not self._closed:
            try:
                self.flush()
            finally:
                self._closed = True

    def __enter__(self):
        self._check_closed()
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        self._check_closed()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readlines(self, hint=-1):
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def isatty(self):
        self._check_closed()
        return False

    def fileno(self):
        raise UnsupportedOperation("fileno")


class RawIOBase(IOBase):
    pass


class BufferedIOBase(IOBase):
    pass


class TextIOBase(IOBase):
    pass


def _parse_mode(mode):
    chars = set(mode)
    if len(chars) != len(mode) or not chars <= set("rwaxb+t"):
        raise ValueError("invalid mode: %r" % mode)
    if "b" in chars and "t" in chars:
        raise ValueError("can't have text and binary mode at once")
    if sum(c in chars for c in "rwax") != 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    return chars


class FileIO(RawIOBase):
    def __init__(self, file, mode="r", closefd=True):
        self._fd = -1
        chars = _parse_mode(mode.replace("b", "") + "b" if "b" not in mode else mode)
        plus = "+" in chars
        self._readable = "r" in chars or plus
        self._writable = "r" not in chars or plus
        if plus:
            flags = _os.O_RDWR
        elif "r" in chars:
            flags = _os.O_RDONLY
        else:
            flags = _os.O_WRONLY
        if "w" in chars:
            flags |= _os.O_CREAT | _os.O_TRUNC
        elif "a" in chars:
            flags |= _os.O_CREAT | _os.O_APPEND
        elif "x" in chars:
            flags |= _os.O_CREAT | _os.O_EXCL
        self._appending = "a" in chars
        if "r" in chars:
            m = "rb+" if plus else "rb"
        elif "w" in chars:
            m = "rb+" if plus else "wb"
        elif "a" in chars:
            m = "ab+" if plus else "ab"
        else:
            m = "xb+" if plus else "xb"
        self.mode = m
        self.name = file
        if isinstance(file, int):
            if file < 0:
                raise ValueError("negative file descriptor")
            self._fd = file
            self._closefd = closefd
        else:
            if not closefd:
                raise ValueError("Cannot use closefd=False with file name")
            self._fd = _os.open(file, flags, 0o666)
            self._closefd = True
            try:
                if _os.fstat(self._fd)[0] & 0o170000 == 0o040000:
                    raise IsADirectoryError(21, _os.strerror(21), file)
            except BaseException:
                _os.close(self._fd)
                self._fd = -1
                raise
        if self._appending:
            try:
                _os.lseek(self._fd, 0, SEEK_END)
            except OSError:
                pass

    def readable(self):
        self._check_closed()
        return self._readable

    def writable(self):
        self._check_closed()
        return self._writable

    def seekable(self):
        self._check_closed()
        try:
            _os.lseek(self._fd, 0, SEEK_CUR)
        except OSError:
            return False
        return True

    def fileno(self):
        self._check_closed()
        return self._fd

    def isatty(self):
        self._check_closed()
        return _os.isatty(self._fd)

    def read(self, size=-1):
        self._check_readable()
        if size is None or size < 0:
            return self.readall()
        return _os.read(self._fd, size)

    def readall(self):
        self._check_readable()
        chunks = []
        while True:
            b = _os.read(self._fd, 65536)
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)

    def write(self, data):
        self._check_writable()
        return _os.write(self._fd, bytes(data))

    def seek(self, pos, whence=0):
        self._check_closed()
        return _os.lseek(self._fd, pos, whence)

    def tell(self):
        self._check_closed()
        return _os.lseek(self._fd, 0, SEEK_CUR)

    def truncate(self, size=None):
        raise UnsupportedOperation("truncate")

    def close(self):
        if not self._closed:
            self._closed = True
            if self._closefd and self._fd >= 0:
                _os.close(self._fd)

    def __repr__(self):
        if self._closed:
            return "<_io.FileIO [closed]>"
        return "<_io.FileIO name=%r mode=%r closefd=%s>" % (self.name, self.mode, self._closefd)


class _Wrapper:
    """The queries a buffered or text stream answers from the stream it wraps
    (self._inner(): raw for Buffered*, buffer for TextIOWrapper)."""

    @property
    def name(self):
        return self._inner().name

    @property
    def closed(self):
        return self._inner().closed

    def _check_closed(self):
        if self._inner().closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self):
        return self._inner().readable()

    def writable(self):
        return self._inner().writable()

    def seekable(self):
        return self._inner().seekable()

    def fileno(self):
        return self._inner().fileno()

    def isatty(self):
        return self._inner().isatty()


class BufferedRandom(_Wrapper, BufferedIOBase):
    """A read buffer and a write buffer over a raw stream (one at a time)."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        self.raw = raw
        self._size = buffer_size if buffer_size > 0 else DEFAULT_BUFFER_SIZE
        self._rbuf = b""
        self._rpos = 0
        self._wbuf = []
        self._wlen = 0

    def _inner(self):
        return self.raw

    @property
    def mode(self):
        return self.raw.mode

    def _flush_writes(self):
        if self._wbuf:
            data = b"".join(self._wbuf)
            self._wbuf = []
            self._wlen = 0
            while data:
                n = self.raw.write(data)
                data = data[n:]

    def _drop_reads(self):
        # The raw position is ahead of the logical one by the unread bytes.
        left = len(self._rbuf) - self._rpos
        self._rbuf = b""
        self._rpos = 0
        if left:
            self.raw.seek(-left, SEEK_CUR)

    def flush(self):
        self._check_closed()
        self._flush_writes()

    def read(self, size=-1):
        self._check_closed()
        if not self.raw.readable():
            raise UnsupportedOperation("read")
        self._flush_writes()
        if size is None or size < 0:
            data = self._rbuf[self._rpos:] + self.raw.readall()
            self._rbuf = b""
            self._rpos = 0
            return data
        chunks = []
        want = size
        while want > 0:
            avail = len(self._rbuf) - self._rpos
            if avail == 0:
                if want >= self._size:
                    b = self.raw.read(want)
                    if not b:
                        break
                    chunks.append(b)
                    want -= len(b)
                    if chunks and len(b) < want:
                        break
                    continue
                self._rbuf = self.raw.read(self._size)
                self._rpos = 0
                if not self._rbuf:
                    break
                avail = len(self._rbuf)
            take = min(avail, want)
            chunks.append(self._rbuf[self._rpos:self._rpos + take])
            self._rpos += take
            want -= take
            if want and len(self._rbuf) < self._size and self._rpos == len(self._rbuf):
                # A short raw read (pipe, tty): return what we have.
                break
        return b"".join(chunks)

    def read1(self, size=-1):
        self._check_readable()
        self._flush_writes()
        if self._rpos >= len(self._rbuf):
            self._rbuf = self.raw.read(self._size)
            self._rpos = 0
        if size is None or size < 0:
            size = len(self._rbuf)
        data = self._rbuf[self._rpos:self._rpos + size]
        self._rpos += len(data)
        return data

    def peek(self, size=0):
        self._check_readable()
        if self._rpos >= len(self._rbuf):
            self._rbuf = self.raw.read(self._size)
            self._rpos = 0
        return self._rbuf[self._rpos:]

    def readline(self, size=-1):
        self._check_readable()
        self._flush_writes()
        chunks = []
        total = 0
        while True:
            if self._rpos >= len(self._rbuf):
                self._rbuf = self.raw.read(self._size)
                self._rpos = 0
                if not self._rbuf:
                    break
            end = self._rbuf.find(b"\n", self._rpos)
            stop = len(self._rbuf) if end < 0 else end + 1
            if size is not None and size >= 0 and total + stop - self._rpos > size:
                stop = self._rpos + size - total
            piece = self._rbuf[self._rpos:stop]
            self._rpos = stop
            chunks.append(piece)
            total += len(piece)
            if piece.endswith(b"\n") or (size is not None and 0 <= size <= total):
                break
        return b"".join(chunks)

    def write(self, data):
        self._check_closed()
        if not self.raw.writable():
            raise UnsupportedOperation("write")
        if isinstance(data, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        data = bytes(data)
        if self._rbuf:
            self._drop_reads()
        self._wbuf.append(data)
        self._wlen += len(data)
        if self._wlen >= self._size:
            self._flush_writes()
        return len(data)

    def seek(self, pos, whence=0):
        self._check_closed()
        self._flush_writes()
        if whence == SEEK_CUR:
            pos -= len(self._rbuf) - self._rpos
        self._rbuf = b""
        self._rpos = 0
        return self.raw.seek(pos, whence)

    def tell(self):
        self._check_closed()
        return self.raw.tell() - (len(self._rbuf) - self._rpos) + self._wlen

    def close(self):
        if not self.raw.closed:
            try:
                self._flush_writes()
            finally:
                self.raw.close()

    def detach(self):
        self.flush()
        raw = self.raw
        self.raw = None
        return raw

    def __repr__(self):
        return "<_io.%s name=%r>" % (type(self).__name__, self.name)


class BufferedReader(BufferedRandom):
    pass


class BufferedWriter(BufferedRandom):
    pass


def _utf8_complete(b):
    """Length of the longest prefix of b that does not end inside a UTF-8 sequence."""
    n = len(b)
    i = n - 1
    k = 0
    while i >= 0 and k < 4 and (b[i] & 0xC0) == 0x80:
        i -= 1
        k += 1
    if i < 0:
        return n
    c = b[i]
    need = 1 if c < 0x80 else 2 if c >= 0xC0 and c < 0xE0 else 3 if c < 0xF0 and c >= 0xE0 else 4 if c >= 0xF0 else 1
    if n - i < need:
        return i
    return n


class TextIOWrapper(_Wrapper, TextIOBase):
    def __init__(self, buffer, encoding=None, errors=None, newline=None, line_buffering=False):
        self.buffer = buffer
        if encoding is None or encoding == "locale":
            encoding = "UTF-8"
        self.encoding = encoding
        self.errors = errors or "strict"
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %r" % (newline,))
        self._newline = newline
        self.line_buffering = line_buffering
        self._dec = ""
        self._extra = []      # indexes in _dec of "\n" that were "\r\n" in the file
        self._pending = b""
        self._cr = False
        self.mode = "r"

    def _inner(self):
        return self.buffer

    def flush(self):
        self.buffer.flush()

    def close(self):
        if not self.buffer.closed:
            self.buffer.close()

    def _decode(self, raw, final):
        data = self._pending + raw
        cut = len(data) if final else _utf8_complete(data)
        self._pending = data[cut:]
        text = data[:cut].decode(self.encoding, self.errors)
        if self._newline is None:
            if self._cr and text.startswith("\n"):
                text = text[1:]
                if self._dec.endswith("\n"):
                    self._extra.append(len(self._dec) - 1)
            self._cr = text.endswith("\r")
            if "\r" in text:
                parts = text.split("\r\n")
                at = len(self._dec)
                for part in parts[:-1]:
                    at += len(part)
                    self._extra.append(at)
                    at += 1
                text = "\n".join(parts).replace("\r", "\n")
        return text

    def _take(self, n):
        text = self._dec[:n]
        self._dec = self._dec[n:]
        if self._extra:
            self._extra = [i - n for i in self._extra if i >= n]
        return text

    def _fill(self):
        raw = self.buffer.read1(DEFAULT_BUFFER_SIZE)
        self._dec += self._decode(raw, not raw)
        return bool(raw)

    def read(self, size=-1):
        self._check_closed()
        if not self.readable():
            raise UnsupportedOperation("not readable")
        self.buffer.flush()
        if size is None or size < 0:
            self._dec += self._decode(self.buffer.read(), True)
            return self._take(len(self._dec))
        while len(self._dec) < size and self._fill():
            pass
        return self._take(size)

    def readline(self, size=-1):
        self._check_closed()
        if not self.readable():
            raise UnsupportedOperation("not readable")
        start = 0
        while True:
            i = self._dec.find("\n", start)
            if i >= 0:
                end = i + 1
                break
            if size is not None and 0 <= size <= len(self._dec):
                end = size
                break
            start = len(self._dec)
            if not self._fill():
                end = len(self._dec)
                break
        if size is not None and 0 <= size < end:
            end = size
        return self._take(end)

    def write(self, s):
        self._check_closed()
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not " + type(s).__name__)
        if not self.writable():
            raise UnsupportedOperation("not writable")
        if self._dec or self._pending:
            self.seek(self.tell())
        text = s
        if self._newline not in (None, "", "\n"):
            text = text.replace("\n", self._newline)
        self.buffer.write(text.encode(self.encoding, self.errors))
        if self.line_buffering and ("\n" in s or "\r" in s):
            self.buffer.flush()
        return len(s)

    def tell(self):
        self._check_closed()
        pos = self.buffer.tell()
        return (pos - len(self._dec.encode(self.encoding, self.errors)) - len(self._extra)
                - len(self._pending))

    def seek(self, pos, whence=0):
        self._check_closed()
        if whence == SEEK_CUR and pos != 0:
            raise UnsupportedOperation("can't do nonzero cur-relative seeks")
        if whence == SEEK_END and pos != 0:
            raise UnsupportedOperation("can't do nonzero end-relative seeks")
        if whence == SEEK_CUR:
            pos = self.tell()
            whence = SEEK_SET
        self.buffer.flush()
        self._dec = ""
        self._extra = []
        self._pending = b""
        self._cr = False
        return self.buffer.seek(pos, whence)

    def detach(self):
        self.buffer.flush()
        b = self.buffer
        self.buffer = None
        return b

    def __repr__(self):
        return "<_io.TextIOWrapper name=%r mode=%r encoding=%r>" % (self.name, self.mode, self.encoding)


class BytesIO(BufferedIOBase):
    def __init__(self, initial_bytes=b""):
        self._buf = bytearray(initial_bytes)
        self._pos = 0

    def readable(self):
        self._check_closed()
        return True

    def writable(self):
        self._check_closed()
        return True

    def seekable(self):
        self._check_closed()
        return True

    def getvalue(self):
        self._check_closed()
        return bytes(self._buf)

    def read(self, size=-1):
        self._check_closed()
        if size is None or size < 0:
            size = len(self._buf)
        data = bytes(self._buf[self._pos:self._pos + size])
        self._pos += len(data)
        return data

    read1 = read

    def readline(self, size=-1):
        self._check_closed()
        i = self._buf.find(b"\n", self._pos)
        end = len(self._buf) if i < 0 else i + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        data = bytes(self._buf[self._pos:end])
        self._pos = max(self._pos, end)
        return data

    def write(self, data):
        self._check_closed()
        if isinstance(data, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        data = bytes(data)
        if self._pos > len(self._buf):
            self._buf += b"\0" * (self._pos - len(self._buf))
        self._buf[self._pos:self._pos + len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, pos, whence=0):
        self._check_closed()
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek value %d" % pos)
        self._pos = pos
        return pos

    def tell(self):
        self._check_closed()
        return self._pos

    def truncate(self, size=None):
        self._check_closed()
        if size is None:
            size = self._pos
        del self._buf[size:]
        return size


class StringIO(TextIOBase):
    def __init__(self, initial_value="", newline="\n"):
        if initial_value is None:
            initial_value = ""
        if not isinstance(initial_value, str):
            raise TypeError("initial_value must be str or None, not " + type(initial_value).__name__)
        self._parts = [initial_value]
        self._text = None
        self._pos = 0

    def _value(self):
        if self._text is None:
            self._text = "".join(self._parts)
            self._parts = [self._text]
        return self._text

    def readable(self):
        self._check_closed()
        return True

    def writable(self):
        self._check_closed()
        return True

    def seekable(self):
        self._check_closed()
        return True

    def getvalue(self):
        self._check_closed()
        return self._value()

    def read(self, size=-1):
        self._check_closed()
        text = self._value()
        if size is None or size < 0:
            size = len(text)
        s = text[self._pos:self._pos + size]
        self._pos += len(s)
        return s

    def readline(self, size=-1):
        self._check_closed()
        text = self._value()
        i = text.find("\n", self._pos)
        end = len(text) if i < 0 else i + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        s = text[self._pos:end]
        self._pos = max(self._pos, end)
        return s

    def write(self, s):
        self._check_closed()
        if not isinstance(s, str):
            raise TypeError("string argument expected, got '%s'" % type(s).__name__)
        if self._text is not None and self._pos == len(self._text) or \
                self._text is None and self._pos == sum(len(p) for p in self._parts):
            self._parts.append(s)
            self._text = None
        else:
            text = self._value()
            if self._pos > len(text):
                text += "\0" * (self._pos - len(text))
            self._text = text[:self._pos] + s + text[self._pos + len(s):]
            self._parts = [self._text]
        self._pos += len(s)
        return len(s)

    def seek(self, pos, whence=0):
        self._check_closed()
        if whence == 1 and pos != 0:
            raise OSError("Can't do nonzero cur-relative seeks")
        if whence == 2 and pos != 0:
            raise OSError("Can't do nonzero end-relative seeks")
        if whence == 1:
            pos = self._pos
        elif whence == 2:
            pos = len(self._value())
        if pos < 0:
            raise ValueError("Negative seek position %d" % pos)
        self._pos = pos
        return pos

    def tell(self):
        self._check_closed()
        return self._pos

    def truncate(self, size=None):
        self._check_closed()
        if size is None:
            size = self._pos
        self._text = self._value()[:size]
        self._parts = [self._text]
        return size


def open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
         opener=None):
    if not isinstance(mode, str):
        raise TypeError("open() argument 'mode' must be str, not " + type(mode).__name__)
    if not isinstance(file, (str, int)):
        f = getattr(type(file), "__fspath__", None)
        if f is None:
            raise TypeError("expected str, bytes or os.PathLike object, not " + type(file).__name__)
        file = f(file)
    chars = _parse_mode(mode)
    binary = "b" in chars
    if binary and encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if binary and newline is not None:
        raise ValueError("binary mode doesn't take a newline argument")
    if buffering == 0 and not binary:
        raise ValueError("can't have unbuffered text I/O")
    raw = FileIO(file, mode.replace("t", ""), closefd)
    if buffering == 0:
        return raw
    line_buffering = buffering == 1 or (buffering < 0 and raw.isatty())
    size = buffering if buffering > 1 else DEFAULT_BUFFER_SIZE
    if "+" in chars:
        buf = BufferedRandom(raw, size)
    elif "r" in chars:
        buf = BufferedReader(raw, size)
    else:
        buf = BufferedWriter(raw, size)
    if binary:
        return buf
    text = TextIOWrapper(buf, encoding, errors, newline, line_buffering)
    text.mode = mode
    return text
