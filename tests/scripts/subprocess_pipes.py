# subprocess with pipes as file objects (Popen.stdin/stdout/stderr), text
# mode, bufsize, communicate(input, timeout) and TimeoutExpired, run() with
# input/timeout/check/capture_output/text, CalledProcessError messages.
import subprocess
from subprocess import PIPE, Popen

# Binary pipes: write, close, read.
p = Popen(["cat"], stdin=PIPE, stdout=PIPE)
print(type(p.stdin).__name__, type(p.stdout).__name__, p.stderr)
p.stdin.write(b"hello\nworld\n")
p.stdin.close()
print(p.stdout.read())
p.stdout.close()
print(p.wait())

# readline and iteration.
p = Popen(["/bin/sh", "-c", "echo one; echo two; echo three"], stdout=PIPE)
print(p.stdout.readline())
print([line for line in p.stdout])
p.stdout.close()
print(p.wait())

# Text mode: str lines, universal newlines.
p = Popen(["/bin/sh", "-c", "printf 'a\\r\\nb\\rc\\n'; echo done >&2"], stdout=PIPE, stderr=PIPE, text=True)
print(p.stdout.readline() == "a\n", repr(p.stdout.read()), repr(p.stderr.read()))
p.stdout.close()
p.stderr.close()
p.wait()
p = Popen(["cat"], stdin=PIPE, stdout=PIPE, universal_newlines=True)
p.stdin.write("x\ny\n")
p.stdin.close()
print(list(p.stdout))
p.stdout.close()
p.wait()

# Line-buffered text stdin (bufsize=1) reaches the child line by line.
p = Popen(["cat"], stdin=PIPE, stdout=PIPE, text=True, bufsize=1)
for word in ["alpha", "beta"]:
    p.stdin.write(word + "\n")
    print(p.stdout.readline().strip())
p.stdin.close()
print(repr(p.stdout.read()))
p.stdout.close()
p.wait()

# Unbuffered binary stdout.
p = Popen(["/bin/sh", "-c", "echo raw"], stdout=PIPE, bufsize=0)
print(type(p.stdout).__name__, p.stdout.read())
p.stdout.close()
p.wait()

# communicate: input, both outputs, text.
p = Popen(["/bin/sh", "-c", "cat; echo err >&2; exit 3"], stdin=PIPE, stdout=PIPE, stderr=PIPE)
print(p.communicate(b"data\n"), p.returncode)
p = Popen(["cat"], stdin=PIPE, stdout=PIPE, text=True)
print(p.communicate("text in\n"))
p = Popen(["cat"], stdin=PIPE, stdout=PIPE)
print(p.communicate(b"x" * 200000)[0] == b"x" * 200000)
p = Popen(["/bin/sh", "-c", "echo only"], stdout=PIPE)
print(p.communicate())

# communicate with a timeout, then again to finish.
p = Popen(["/bin/sh", "-c", "echo early; exec sleep 1"], stdout=PIPE)
try:
    p.communicate(timeout=0.05)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired:", e)
print(p.communicate(), p.returncode)
p = Popen(["cat"], stdin=PIPE, stdout=PIPE)
try:
    p.communicate(b"a", timeout=0.01)
except subprocess.TimeoutExpired:
    pass
except ValueError as e:
    print("ValueError", e)
p.kill()
p.wait()

# run.
r = subprocess.run(["cat"], input=b"in", capture_output=True)
print(r)
r = subprocess.run(["/bin/sh", "-c", "tr a-z A-Z"], input="shout\n", stdout=PIPE, text=True)
print(r.stdout, r.returncode, r.stderr)
try:
    subprocess.run(["/bin/sh", "-c", "echo partial; exec sleep 5"], capture_output=True, timeout=1)
except subprocess.TimeoutExpired as e:
    print("run:", e, e.stdout, e.stderr, e.timeout)
try:
    subprocess.run(["/bin/sh", "-c", "echo out; echo bad >&2; exit 2"], capture_output=True, check=True)
except subprocess.CalledProcessError as e:
    print(e)
    print(e.returncode, e.cmd, e.output, e.stdout, e.stderr)
try:
    subprocess.run("kill -9 $$", shell=True, check=True)
except subprocess.CalledProcessError as e:
    print(e)
try:
    subprocess.run("kill -15 $$", shell=True, check=True)
except subprocess.CalledProcessError as e:
    print(e, e.returncode)
try:
    subprocess.run(["cat"], stdin=PIPE, input=b"x")
except ValueError as e:
    print(e)
try:
    subprocess.run(["cat"], stdout=PIPE, capture_output=True)
except ValueError as e:
    print(e)
print(subprocess.check_output(["/bin/sh", "-c", "echo checked"], text=True))
with Popen(["/bin/sh", "-c", "echo with"], stdout=PIPE) as p:
    print(p.stdout.read())
print(p.returncode, p.stdout.closed)
