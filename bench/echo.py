# Loopback echo: a server thread and a client thread in one process exchange
# 100-byte requests over TCP for a fixed time; prints requests per second
# alone and beside 1, 2 and 4 CPU-bound threads.  Runs under python3 too.
import socket
import threading
import time

SECONDS = 0.5

def spin(stop):
    while not stop:
        for _ in range(1000):
            pass

def echo_rate(nspin):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def server():
        conn, _ = srv.accept()
        while True:
            d = conn.recv(100)
            if not d:
                break
            conn.sendall(d)
        conn.close()

    st = threading.Thread(target=server)
    st.start()
    stop = []
    spinners = [threading.Thread(target=spin, args=(stop,)) for _ in range(nspin)]
    for t in spinners:
        t.start()
    c = socket.create_connection(("127.0.0.1", port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg = b"x" * 100
    n = 0
    t0 = time.perf_counter()
    end = t0 + SECONDS
    while time.perf_counter() < end:
        c.sendall(msg)
        got = 0
        while got < 100:
            got += len(c.recv(100))
        n += 1
    elapsed = time.perf_counter() - t0
    c.close()
    stop.append(1)
    for t in spinners:
        t.join()
    st.join()
    srv.close()
    return n / elapsed

solo = echo_rate(0)
print("echo alone: %d req/s" % solo)
for k in (1, 2, 4):
    r = echo_rate(k)
    print("beside %d CPU-bound: %d req/s (%.1f%% of solo)" % (k, r, 100.0 * r / solo))
