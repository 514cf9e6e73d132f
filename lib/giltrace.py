"""giltrace - turn a -X giltrace file into one self-contained HTML report.

    gilkit -m giltrace TRACE.json -o timeline.html
    python3 lib/giltrace.py TRACE.json -o timeline.html

The report is an inline SVG timeline (one row per thread: green = holding
the GIL, red = waiting for it, grey = released in a blocking call) and a
table per thread with the share of time in each state, the longest wait and
the number of switches.  No network, no scripts.
"""
import sys

COLORS = {"hold": "#2e9e44", "wait": "#d9453b", "blocked": "#9aa3ad"}


def _skip_ws(s, i):
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i


def _parse(s, i):
    # A small JSON reader (the trace files gilkit writes), so the module does
    # not need a json module.  Returns (value, next index).
    i = _skip_ws(s, i)
    c = s[i]
    if c == "{":
        d = {}
        i = _skip_ws(s, i + 1)
        if s[i] == "}":
            return d, i + 1
        while True:
            k, i = _parse(s, i)
            i = _skip_ws(s, i)
            v, i = _parse(s, i + 1)
            d[k] = v
            i = _skip_ws(s, i)
            if s[i] == "}":
                return d, i + 1
            i += 1
    if c == "[":
        a = []
        i = _skip_ws(s, i + 1)
        if s[i] == "]":
            return a, i + 1
        while True:
            v, i = _parse(s, i)
            a.append(v)
            i = _skip_ws(s, i)
            if s[i] == "]":
                return a, i + 1
            i += 1
    if c == '"':
        out = []
        i += 1
        while s[i] != '"':
            if s[i] == "\\":
                e = s[i + 1]
                if e == "u":
                    out.append(chr(int(s[i + 2:i + 6], 16)))
                    i += 6
                    continue
                out.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(e, e))
                i += 2
            else:
                out.append(s[i])
                i += 1
        return "".join(out), i + 1
    if s.startswith("true", i):
        return True, i + 4
    if s.startswith("false", i):
        return False, i + 5
    if s.startswith("null", i):
        return None, i + 4
    j = i
    while j < len(s) and s[j] in "+-0123456789.eE":
        j += 1
    text = s[i:j]
    if "." in text or "e" in text or "E" in text:
        return float(text), j
    return int(text), j


def load(path):
    """Returns the list of trace events in the file at path."""
    f = open(path)
    text = f.read()
    f.close()
    v, _ = _parse(text, 0)
    if isinstance(v, dict):
        return v["traceEvents"]
    return v


def _esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def analyse(events):
    """Returns (threads, t0, t1): threads is a list of dicts, one per track,
    with name, spans [(kind, label, start_us, end_us)], instants and totals."""
    names = {}
    order = []
    spans = {}
    instants = {}
    opened = {}
    t0 = None
    t1 = None
    for e in events:
        ph = e.get("ph")
        tid = e.get("tid")
        if ph == "M":
            if e.get("name") == "thread_name":
                names[tid] = e["args"]["name"]
            continue
        if tid not in spans:
            spans[tid] = []
            instants[tid] = []
            order.append(tid)
        ts = e["ts"]
        if t0 is None or ts < t0:
            t0 = ts
        if t1 is None or ts > t1:
            t1 = ts
        if ph == "B":
            opened[tid] = (e["name"], ts)
        elif ph == "E":
            b = opened.pop(tid, None)
            if b is not None:
                label = b[0]
                kind = "blocked" if label.startswith("blocked") else label
                spans[tid].append((kind, label, b[1], ts))
        elif ph == "i":
            instants[tid].append((e["name"], ts))
    if t0 is None:
        t0 = 0.0
        t1 = 0.0
    threads = []
    for tid in order:
        tot = {"hold": 0.0, "wait": 0.0, "blocked": 0.0}
        longest_wait = 0.0
        holds = 0
        first = None
        last = None
        for kind, label, s, en in spans[tid]:
            if kind in tot:
                tot[kind] += en - s
            if kind == "wait" and en - s > longest_wait:
                longest_wait = en - s
            if kind == "hold":
                holds += 1
            if first is None or s < first:
                first = s
            if last is None or en > last:
                last = en
        life = (last - first) if first is not None else 0.0
        forced = 0
        for name, ts in instants[tid]:
            if name == "forced switch":
                forced += 1
        threads.append({"tid": tid, "name": names.get(tid, str(tid)), "spans": spans[tid],
                        "instants": instants[tid], "tot": tot, "life": life,
                        "longest_wait": longest_wait, "holds": holds, "forced": forced})
    return threads, t0, t1


def render(events, title="GIL timeline"):
    """Returns the HTML report (a str) for the trace events."""
    threads, t0, t1 = analyse(events)
    width = 1000
    label_w = 180
    row_h = 26
    span_us = (t1 - t0) or 1.0
    scale = (width - label_w - 10) / span_us
    height = row_h * len(threads) + 30
    out = []
    out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n" % _esc(title))
    out.append("<style>body{font-family:sans-serif;margin:16px}table{border-collapse:collapse}"
               "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
               "td:first-child,th:first-child{text-align:left}</style></head><body>\n")
    out.append("<h1>%s</h1>\n<p>%.3f ms traced, %d threads. "
               "<span style=\"color:%s\">&#9632; holding the GIL</span> "
               "<span style=\"color:%s\">&#9632; waiting for it</span> "
               "<span style=\"color:%s\">&#9632; released in a blocking call</span> "
               "&#9660; forced switch</p>\n"
               % (_esc(title), span_us / 1000.0, len(threads), COLORS["hold"], COLORS["wait"],
                  COLORS["blocked"]))
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n" % (width, height))
    y = 5
    for t in threads:
        out.append("<text x=\"4\" y=\"%d\">%s</text>\n" % (y + 16, _esc(t["name"])))
        out.append("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#f3f3f3\"/>\n"
                   % (label_w, y, width - label_w - 10))
        for kind, label, s, en in t["spans"]:
            x = label_w + (s - t0) * scale
            w = (en - s) * scale
            if w < 0.5:
                w = 0.5
            out.append("<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"20\" fill=\"%s\">"
                       "<title>%s: %.3f ms</title></rect>\n"
                       % (x, y, w, COLORS.get(kind, "#555"), _esc(label), (en - s) / 1000.0))
        for name, ts in t["instants"]:
            if name == "forced switch":
                x = label_w + (ts - t0) * scale
                out.append("<path d=\"M%.2f %d l-3 -5 h6 z\" fill=\"#000\"><title>%s</title></path>\n"
                           % (x, y + 5, _esc(name)))
        y += row_h
    out.append("<text x=\"%d\" y=\"%d\">0 ms</text>\n" % (label_w, y + 14))
    out.append("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3f ms</text>\n"
               % (width - 10, y + 14, span_us / 1000.0))
    out.append("</svg>\n<h2>Per thread</h2>\n<table>\n<tr><th>thread</th><th>holding</th>"
               "<th>waiting</th><th>released</th><th>longest wait (ms)</th>"
               "<th>GIL acquisitions</th><th>forced switches</th></tr>\n")
    for t in threads:
        life = t["life"] or 1.0
        out.append("<tr><td>%s</td><td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td><td>%.3f</td>"
                   "<td>%d</td><td>%d</td></tr>\n"
                   % (_esc(t["name"]), 100.0 * t["tot"]["hold"] / life, 100.0 * t["tot"]["wait"] / life,
                      100.0 * t["tot"]["blocked"] / life, t["longest_wait"] / 1000.0, t["holds"],
                      t["forced"]))
    out.append("</table>\n<p>Shares are of each thread's traced lifetime.</p>\n</body></html>\n")
    return "".join(out)


def main(argv):
    """Command line: giltrace TRACE.json [-o OUT.html]; returns an exit status."""
    src = None
    dst = None
    i = 0
    while i < len(argv):
        if argv[i] == "-o" and i + 1 < len(argv):
            dst = argv[i + 1]
            i += 2
        elif src is None:
            src = argv[i]
            i += 1
        else:
            print("usage: giltrace TRACE.json [-o timeline.html]")
            return 2
    if src is None:
        print("usage: giltrace TRACE.json [-o timeline.html]")
        return 2
    if dst is None:
        dst = "timeline.html"
    html = render(load(src), "GIL timeline: " + src.split("/")[-1])
    f = open(dst, "w")
    f.write(html)
    f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
