# lib/zlib.py: the zlib module over the C layer in modules/_zlib.c (the
# system zlib).  Calls on 4 KiB of input and more release the GIL.
import _zlib


class error(Exception):
    pass


_zlib._set_error(error)

MAX_WBITS = 15
DEFLATED = 8
DEF_MEM_LEVEL = 8
DEF_BUF_SIZE = 16384
Z_NO_COMPRESSION = 0
Z_BEST_SPEED = 1
Z_BEST_COMPRESSION = 9
Z_DEFAULT_COMPRESSION = -1
Z_FILTERED = 1
Z_HUFFMAN_ONLY = 2
Z_RLE = 3
Z_FIXED = 4
Z_DEFAULT_STRATEGY = 0
Z_NO_FLUSH = 0
Z_PARTIAL_FLUSH = 1
Z_SYNC_FLUSH = 2
Z_FULL_FLUSH = 3
Z_FINISH = 4
Z_BLOCK = 5
ZLIB_VERSION = _zlib.ZLIB_VERSION
ZLIB_RUNTIME_VERSION = _zlib.ZLIB_RUNTIME_VERSION


def compress(data, level=-1):
    return _zlib.compress(data, level)


def decompress(data, wbits=15, bufsize=16384):
    return _zlib.decompress(data, wbits)


def crc32(data, value=0):
    return _zlib.crc32(data, value)


def adler32(data, value=1):
    return _zlib.adler32(data, value)


class Compress:
    def __init__(self, handle):
        self._h = handle
        self._done = False

    def compress(self, data):
        if self._done:
            raise error("Error -2 while compressing data: inconsistent stream state")
        return _zlib.c_compress(self._h, data, Z_NO_FLUSH)

    def flush(self, mode=Z_FINISH):
        if mode == Z_NO_FLUSH:
            return b""
        if self._done:
            raise error("Error -2 while flushing: inconsistent stream state")
        out = _zlib.c_compress(self._h, b"", mode)
        if mode == Z_FINISH:
            self._done = True
        return out


class Decompress:
    def __init__(self, handle):
        self._h = handle
        self.unconsumed_tail = b""
        self.unused_data = b""
        self.eof = False

    def decompress(self, data, max_length=0):
        out, tail, unused, eof = _zlib.d_decompress(self._h, data, max_length)
        self.unconsumed_tail = tail
        if unused:
            self.unused_data = self.unused_data + unused
        self.eof = eof
        return out

    def flush(self, length=16384):
        if self.eof or not self.unconsumed_tail:
            return b""
        out, tail, unused, eof = _zlib.d_decompress(self._h, self.unconsumed_tail, 0)
        self.unconsumed_tail = b""
        if unused:
            self.unused_data = self.unused_data + unused
        self.eof = eof
        return out


def compressobj(level=-1, method=DEFLATED, wbits=MAX_WBITS, memLevel=DEF_MEM_LEVEL,
                strategy=Z_DEFAULT_STRATEGY):
    return Compress(_zlib.compressobj(level, method, wbits, memLevel, strategy))


def decompressobj(wbits=MAX_WBITS):
    return Decompress(_zlib.decompressobj(wbits))
