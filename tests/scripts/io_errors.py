# Errors of the I/O modules as python3 gives them: type, errno, message and
# file name, for os, open, socket and subprocess calls.
import os, socket, subprocess
def t(f):
    try:
        f()
        print("ok")
    except Exception as e:
        print(type(e).__name__, e.errno if hasattr(e, "errno") else "", e)
t(lambda: os.open("/nonexistent/x", os.O_RDONLY))
t(lambda: os.read(999, 1))
t(lambda: os.write(999, b"x"))
r, w = os.pipe(); os.close(r)
t(lambda: os.write(w, b"x"))
t(lambda: os.mkdir("/tmp"))
t(lambda: os.rename("/nonexistent_a", "/tmp/b"))
t(lambda: os.remove("/nonexistent_a"))
t(lambda: os.listdir("/nonexistent_a"))
t(lambda: os.stat("/nonexistent_a"))
t(lambda: open("/tmp"))
t(lambda: os.fsync(999))
s = socket.socket()
t(lambda: s.connect(("127.0.0.1", 1)))
t(lambda: subprocess.run(["/nonexistent_prog"]))
t(lambda: subprocess.run(["ls"], cwd="/nonexistent_dir"))
t(lambda: subprocess.run(["/etc/passwd"]))
a, b = socket.socketpair(); b.close()
t(lambda: a.send(b"x"))
t(lambda: a.recv(1, ))
