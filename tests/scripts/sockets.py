# socket and select: echo over TCP, datagrams, AF_UNIX socketpair, timeouts,
# refused connections, select/poll, and N threads blocked in accept/recv at once.
import socket
import select
import threading

# TCP echo, server and client threads
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
port = srv.getsockname()[1]
print(srv.getsockname()[0], port > 0)

def echo_server(n):
    for _ in range(n):
        conn, addr = srv.accept()
        with conn:
            while True:
                data = conn.recv(100)
                if not data:
                    break
                conn.sendall(data)

st = threading.Thread(target=echo_server, args=(2,))
st.start()
for word in [b"hello", b"world"]:
    with socket.create_connection(("127.0.0.1", port)) as c:
        print(c.getpeername() == ("127.0.0.1", port))
        for i in range(3):
            c.sendall(word + str(i).encode())
            print(c.recv(100))
        c.shutdown(socket.SHUT_WR)
        print(c.recv(100))
st.join()

# datagrams
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
u2.bind(("127.0.0.1", 0))
u1.sendto(b"dgram", u2.getsockname())
data, addr = u2.recvfrom(100)
print(data, addr == u1.getsockname())
u1.close()
u2.close()

# AF_UNIX socketpair
a, b = socket.socketpair()
print(a.family == socket.AF_UNIX)
a.sendall(b"x" * 100000 if False else b"unix")
print(b.recv(10))

# timeouts and non-blocking
b.settimeout(0.05)
print(b.gettimeout())
try:
    b.recv(10)
except socket.timeout as e:
    print("timeout:", type(e).__name__, e)
b.setblocking(False)
try:
    b.recv(10)
except BlockingIOError as e:
    print("BlockingIOError", e.errno == 11)
b.setblocking(True)
print(b.gettimeout())

# select and poll
r, w, x = select.select([b], [a], [], 0)
print(len(r), len(w), len(x))
a.send(b"!")
r, w, x = select.select([b], [], [], 1.0)
print(r == [b])
p = select.poll()
p.register(b, select.POLLIN)
print(p.poll(1000) == [(b.fileno(), select.POLLIN)])
print(b.recv(1))
print(p.poll(0))
p.unregister(b)
a.close()
b.close()

# refused connection
dead = socket.socket()
dead.bind(("127.0.0.1", 0))
dport = dead.getsockname()[1]
dead.close()
try:
    socket.create_connection(("127.0.0.1", dport))
except ConnectionRefusedError as e:
    print("ConnectionRefusedError:", e)
print(issubclass(socket.timeout, OSError), socket.error is OSError)

# getaddrinfo
info = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
print(info[0][0] == socket.AF_INET, info[0][4])

# overlap: N threads blocked in recv and N in accept all proceed
N = 4
pairs = [socket.socketpair() for _ in range(N)]
got = []
lock = threading.Lock()
def reader(s):
    d = s.recv(10)
    with lock:
        got.append(d)
ts = [threading.Thread(target=reader, args=(p[1],)) for p in pairs]
for t in ts:
    t.start()
for i, p in enumerate(pairs):
    p[0].sendall(b"r%d" % i)
for t in ts:
    t.join()
print(sorted(got))
for p in pairs:
    p[0].close()
    p[1].close()

accepted = []
def acceptor():
    conn, _ = srv.accept()
    with lock:
        accepted.append(conn.recv(10))
    conn.close()
ts = [threading.Thread(target=acceptor) for _ in range(N)]
for t in ts:
    t.start()
cs = []
for i in range(N):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"c%d" % i)
    cs.append(c)
for t in ts:
    t.join()
for c in cs:
    c.close()
print(sorted(accepted))
srv.close()
print("done")
