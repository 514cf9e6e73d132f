# subprocess: run with capture, check, timeout, input; Popen; errors.
import subprocess

r = subprocess.run(["/bin/sh", "-c", "echo hello; echo oops >&2; exit 3"], capture_output=True)
print(r.returncode, r.stdout, r.stderr)
r = subprocess.run("echo text mode", shell=True, capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
print(subprocess.run(["true"]).returncode, subprocess.run(["false"]).returncode)
try:
    subprocess.run(["/bin/sh", "-c", "exit 2"], check=True)
except subprocess.CalledProcessError as e:
    print("CalledProcessError:", e, e.returncode)
try:
    subprocess.run(["sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired:", e.cmd, 0 < e.timeout <= 0.2)
r = subprocess.run(["cat"], input=b"fed via stdin\n", capture_output=True)
print(r.stdout)
r = subprocess.run(["tr", "a-z", "A-Z"], input="upper me", stdout=subprocess.PIPE, text=True)
print(r.stdout, r.stderr)
print(subprocess.check_output(["/bin/sh", "-c", "echo out; echo err >&2"], stderr=subprocess.STDOUT))
print(subprocess.run(["/bin/sh", "-c", "echo gone; echo x >&2"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE).stderr)
print(subprocess.check_output("pwd", shell=True, cwd="/"))
print(subprocess.check_output("echo $GK_TEST_VAR", shell=True, env={"GK_TEST_VAR": "from env"}))
print(subprocess.call(["/bin/sh", "-c", "exit 7"]), subprocess.check_call(["true"]))
big = subprocess.run(["/bin/sh", "-c", "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2"],
                     capture_output=True)
print(len(big.stdout), len(big.stderr))
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, err = p.communicate(b"via communicate")
print(out, err, p.returncode, p.pid > 0)
p = subprocess.Popen(["sleep", "5"])
print(p.poll())
try:
    p.wait(timeout=0.1)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired:", e)
p.kill()
print(p.wait())
p = subprocess.Popen(["sleep", "5"])
p.terminate()
print(p.wait())
try:
    subprocess.run(["/nonexistent/prog"])
except FileNotFoundError as e:
    print("FileNotFoundError:", e)
print(subprocess.CompletedProcess(["x"], 0, b"a"))
