# tests/giltrace/check_labels.py - python3 check that a -X giltrace file of
# tests/giltrace/io_labels.py names each blocking call: FILE LABEL...
import json, sys

events = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["name"] for e in events if e["ph"] == "B"}
missing = [l for l in sys.argv[2:] if "blocked: " + l not in names]
if missing:
    print("FAIL: labels missing: %s; spans seen: %s" % (missing, sorted(names)))
    sys.exit(1)
print("PASS: %d labels" % (len(sys.argv) - 2))
