# _thread._gilstats(): per-thread GIL statistics as a dict (gilkit only;
# the expected output is written by hand).
import _thread
import threading
import time

def work():
    time.sleep(0.01)

t = threading.Thread(target=work, name="sleeper")
t.start()
t.join()
stats = _thread._gilstats()
me = stats[threading.get_ident()]
print(me["name"], me["alive"], me["holding"], me["acquisitions"] >= 1)
print(sorted(me.keys()))
other = [s for s in stats.values() if s["name"] == "sleeper"][0]
print(other["holding"], other["hold_s"] > 0, other["voluntary_switches"] >= 1)
print(isinstance(other["wait_s"], float), isinstance(other["forced_switches"], int))
