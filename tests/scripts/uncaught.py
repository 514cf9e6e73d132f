# An uncaught exception exits with status 1 after printing the traceback.
def a():
    b()
def b():
    raise RuntimeError("deep")
print("start")
a()
