# tests/giltrace/io_labels.py - blocking calls of every sample module, run
# with -X giltrace by tests/giltrace.sh: each must show its label
# ("blocked: socket.recv", ...) in the trace (checked by check_labels.py).
import os, select, socket, subprocess, threading, time, zlib

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)


def server():
    c, _ = srv.accept()                  # socket.accept
    c.sendall(c.recv(100))               # socket.recv
    c.close()


t = threading.Thread(target=server)
t.start()
time.sleep(0.05)                         # time.sleep: the server waits in accept
cl = socket.create_connection(srv.getsockname())
time.sleep(0.05)
cl.sendall(b"ping")
print(cl.recv(100))
cl.close()
t.join()
srv.close()

r, w = os.pipe()


def writer():
    time.sleep(0.05)
    os.write(w, b"x")


t = threading.Thread(target=writer)
t.start()
select.select([r], [], [], 5)            # select.select
print(os.read(r, 1))                     # os.read
t.join()
os.close(r)
os.close(w)
print(subprocess.run(["/bin/sh", "-c", "sleep 0.05; echo hi"], capture_output=True).stdout)  # subprocess.wait
print(len(zlib.compress(b"a" * 100000)) > 0)    # zlib.compress
