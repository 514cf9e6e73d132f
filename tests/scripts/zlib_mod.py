# zlib: round trips, checksums equal to python3's, streaming objects, errors.
import zlib

data = b"hello gilkit " * 1000
for level in (-1, 0, 1, 6, 9):
    c = zlib.compress(data, level)
    print(level, len(data), zlib.decompress(c) == data)
print(zlib.compress(b"abc"))
print(zlib.compress(b"", 9))
print(zlib.decompress(zlib.compress(b"")))
print(zlib.crc32(b""), zlib.crc32(b"hello"), zlib.crc32(data), zlib.crc32(b"world", zlib.crc32(b"hello ")))
print(zlib.crc32(b"hello world"))
print(zlib.adler32(b""), zlib.adler32(b"hello"), zlib.adler32(data))
big = bytes(range(256)) * 200
print(zlib.crc32(big), zlib.adler32(big), len(zlib.compress(big, 9)) < len(big))

co = zlib.compressobj(6)
parts = []
for i in range(10):
    parts.append(co.compress(data[i * 1300:(i + 1) * 1300]))
parts.append(co.flush())
stream = b"".join(parts)
print(zlib.decompress(stream) == data[:13000])

do = zlib.decompressobj()
out = b""
for i in range(0, len(stream), 100):
    out = out + do.decompress(stream[i:i + 100])
out = out + do.flush()
print(out == data[:13000], do.eof, do.unused_data)

do = zlib.decompressobj()
first = do.decompress(stream, 500)
print(len(first), len(do.unconsumed_tail) > 0, do.eof)
rest = do.decompress(do.unconsumed_tail)
print((first + rest) == data[:13000], do.eof)

do = zlib.decompressobj()
print(do.decompress(zlib.compress(b"xyz") + b"TRAIL"), do.eof, do.unused_data)

co = zlib.compressobj()
a = co.compress(b"part one ")
b = co.flush(zlib.Z_SYNC_FLUSH)
do = zlib.decompressobj()
print(do.decompress(a + b))

for bad in (b"not zlib data", zlib.compress(data)[:50]):
    try:
        zlib.decompress(bad)
    except zlib.error as e:
        print("error:", e)
try:
    zlib.compress(b"x", 12)
except zlib.error as e:
    print("error:", e)
try:
    zlib.compress("text")
except TypeError as e:
    print("TypeError:", e)
print(issubclass(zlib.error, Exception))
print(zlib.MAX_WBITS, zlib.DEFLATED, zlib.Z_BEST_COMPRESSION, zlib.Z_FINISH, zlib.Z_SYNC_FLUSH)
