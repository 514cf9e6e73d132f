# tests/giltrace/check_trace.py - python3 checks of a -X giltrace file:
# valid JSON, B/E spans balanced and sequential per thread, no two threads
# holding the GIL at once, and the two named worker threads alternating.
import json, sys
from collections import defaultdict

def main(path):
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    names = {}
    open_span = {}
    holds = []
    for e in events:
        tid = e.get("tid")
        if e["ph"] == "M" and e["name"] == "thread_name":
            names[tid] = e["args"]["name"]
        elif e["ph"] == "B":
            assert tid not in open_span, "overlapping spans on %s: %r" % (tid, e)
            open_span[tid] = e
        elif e["ph"] == "E":
            b = open_span.pop(tid, None)
            assert b is not None and b["name"] == e["name"], "unbalanced E %r" % (e,)
            assert e["ts"] >= b["ts"], "span ends before it starts: %r" % (e,)
            if e["name"] == "hold":
                holds.append((b["ts"], e["ts"], tid))
    assert not open_span, "spans left open: %r" % (open_span,)
    holds.sort()
    for (s1, e1, t1), (s2, e2, t2) in zip(holds, holds[1:]):
        assert s2 >= e1, "two threads hold the GIL at once: %s and %s" % (t1, t2)
    workers = [t for t, n in names.items() if n.startswith("ThreadPoolExecutor")]
    if len(workers) < 2:
        # The pool ran both tasks on one thread (the first finished before the
        # second was submitted): a valid trace, but nothing to alternate.
        print("RETRY: one worker thread only: %r" % (names,))
        sys.exit(3)
    assert len(workers) == 2, "expected two worker threads, got %r" % (names,)
    seq = [t for _, _, t in holds if t in workers]
    switches = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
    assert switches >= 2, "workers do not alternate: %r" % (seq,)
    print("PASS: %d hold spans, workers switched %d times" % (len(holds), switches))

main(sys.argv[1])
