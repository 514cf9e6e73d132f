# os and builtin open(): behaviour and errors (runs in a scratch folder).
import io
import os
import os.path

base = "os_files_tmp"
os.mkdir(base)
p = os.path.join(base, "data.txt")
print(os.path.exists(p), os.path.isdir(base), os.path.isfile(base))

with open(p, "w") as f:
    n = f.write("alpha\nbeta\r\ngamma é\n")
    f.writelines(["x\n", "y"])
    print(n, f.name, f.mode, f.closed)
print(f.closed, os.path.getsize(p), os.stat(p).st_size)

with open(p) as f:
    print(repr(f.readline()), repr(f.read(4)), f.tell())
    print(f.readlines())
with open(p) as f:
    print([line for line in f])
with open(p, newline="") as f:
    print(repr(f.read()))
with open(p, "rb") as f:
    print(f.read(3), f.tell(), f.readline(), f.seek(0), f.read())
with open(p, "a") as f:
    f.write("\nappended\n")
with open(p, "r+") as f:
    f.seek(0, 2)
    end = f.tell()
    f.seek(0)
    f.write("ALPHA")
    print(end, f.tell())
with open(p, "rb+") as f:
    f.seek(1)
    f.write(b"L")
    f.seek(0)
    print(f.read(6))
with open(p, encoding="utf-8") as f:
    print(f.read().splitlines())

# Larger than one buffer, through readline and read(n).
big = os.path.join(base, "big.bin")
with open(big, "wb") as f:
    for i in range(3000):
        f.write(b"%05d\n" % i)
with open(big, "rb") as f:
    lines = f.readlines()
    print(len(lines), lines[0], lines[-1])
with open(big) as f:
    total = 0
    while True:
        chunk = f.read(1000)
        if not chunk:
            break
        total += len(chunk)
    print(total)

# fd-level calls.
fd = os.open(p, os.O_RDONLY)
print(os.read(fd, 5), os.lseek(fd, 0, os.SEEK_CUR), os.fstat(fd).st_size > 0)
fd2 = os.dup(fd)
os.close(fd)
print(os.read(fd2, 3))
os.close(fd2)
r, w = os.pipe()
print(os.write(w, b"ping"), os.read(r, 10), os.get_blocking(r))
os.set_blocking(r, False)
try:
    os.read(r, 1)
except BlockingIOError as e:
    print("BlockingIOError", e.errno)
os.close(r)
os.close(w)
fd = os.open(os.path.join(base, "new"), os.O_WRONLY | os.O_CREAT, 0o644)
os.write(fd, b"z")
os.fsync(fd)
os.close(fd)
os.rename(os.path.join(base, "new"), os.path.join(base, "renamed"))
print(sorted(os.listdir(base)))
print(len(os.urandom(16)), os.getpid() > 0, os.path.isabs(os.getcwd()), os.strerror(2))
print(os.access(p, os.R_OK), os.access(os.path.join(base, "missing"), os.F_OK))
os.environ["GK_OS_TEST"] = "1"
print(os.environ["GK_OS_TEST"], os.getenv("GK_OS_TEST"), "GK_OS_TEST" in os.environ)
del os.environ["GK_OS_TEST"]
print(os.environ.get("GK_OS_TEST", "gone"), os.sep, repr(os.linesep), os.devnull)
print(os.path.basename("a/b/c.txt"), os.path.dirname("a/b/c.txt"), os.path.splitext("a/b.tar.gz"),
      os.path.splitext(".bashrc"), os.path.join("a", "/b", "c"), os.path.abspath("/x/./y/../z"))
print(isinstance(os.cpu_count(), int))

# In-memory streams.
s = io.StringIO()
s.write("one\ntwo\n")
s.seek(0)
print(s.readline(), s.read(), s.getvalue().split())
b = io.BytesIO(b"ab\ncd")
print(b.readline(), b.read(), b.tell(), b.getvalue())

# Errors are python3's.
def err(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except Exception as e:
        print(type(e).__name__ + ":", e)

err(open, "no_such_file.txt")
err(open, base)
err(open, p, "x")
err(open, p, "rw")
err(open, p, "q")
err(open, p, "rb", encoding="utf-8")
err(os.stat, "no_such_file.txt")
err(os.remove, "no_such_file.txt")
err(os.rmdir, "no_such_dir")
err(os.mkdir, base)
err(os.listdir, "no_such_dir")
err(os.rename, "no_such_file.txt", "b")
err(os.close, 9999)
err(os.read, 9999, 1)
f = open(p)
err(f.write, "x")
f.close()
err(f.read)
with open(p, "rb") as f:
    err(f.write, b"x")
with open(p, "w") as f:
    err(f.write, b"x")
    err(f.read)
try:
    open("no_such_file.txt")
except OSError as e:
    print(e.errno, e.strerror, e.filename)

for name in sorted(os.listdir(base)):
    os.remove(os.path.join(base, name))
os.rmdir(base)
print(os.path.exists(base))
