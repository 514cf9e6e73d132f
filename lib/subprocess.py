# lib/subprocess.py: run, Popen, check_output, check_call, call over the C
# layer in modules/_subprocess.c.  Child output is read by one thread per
# pipe (reads release the GIL), so stdout and stderr never deadlock.
import threading
import time
import _subprocess

PIPE = -1
STDOUT = -2
DEVNULL = -3


class SubprocessError(Exception):
    pass


class CalledProcessError(SubprocessError):
    def __init__(self, returncode, cmd, output=None, stderr=None):
        SubprocessError.__init__(self, returncode, cmd)
        self.returncode = returncode
        self.cmd = cmd
        self.output = output
        self.stdout = output
        self.stderr = stderr

    def __str__(self):
        if self.returncode < 0:
            return "Command '%s' died with signal %d." % (self.cmd, -self.returncode)
        return "Command '%s' returned non-zero exit status %d." % (self.cmd, self.returncode)


class TimeoutExpired(SubprocessError):
    def __init__(self, cmd, timeout, output=None, stderr=None):
        SubprocessError.__init__(self, cmd, timeout)
        self.cmd = cmd
        self.timeout = timeout
        self.output = output
        self.stdout = output
        self.stderr = stderr

    def __str__(self):
        return "Command '%s' timed out after %s seconds" % (self.cmd, self.timeout)


class CompletedProcess:
    def __init__(self, args, returncode, stdout=None, stderr=None):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        s = "CompletedProcess(args=%r, returncode=%r" % (self.args, self.returncode)
        if self.stdout is not None:
            s = s + ", stdout=%r" % (self.stdout,)
        if self.stderr is not None:
            s = s + ", stderr=%r" % (self.stderr,)
        return s + ")"

    def check_returncode(self):
        if self.returncode:
            raise CalledProcessError(self.returncode, self.args, self.stdout, self.stderr)


def _drain(fd, sink):
    while True:
        b = _subprocess.read(fd, 65536)
        if not b:
            break
        sink.append(b)
    _subprocess.close(fd)


class Popen:
    def __init__(self, args, stdin=None, stdout=None, stderr=None, shell=False, cwd=None, env=None,
                 text=False, universal_newlines=False):
        self.args = args
        if isinstance(args, str):
            argv = ["/bin/sh", "-c", args] if shell else [args]
        else:
            argv = list(args)
            if shell:
                argv = ["/bin/sh", "-c"] + argv
        envl = None
        if env is not None:
            envl = [k + "=" + env[k] for k in env]
        self.text_mode = text or universal_newlines
        self.stdin = None
        self.stdout = None
        self.stderr = None
        self.returncode = None
        self._child_fds = []
        self._closed = False
        fds = [-1, -1, -1]
        parent = [None, None, None]
        specs = [stdin, stdout, stderr]
        for i in range(3):
            spec = specs[i]
            if spec == PIPE:
                r, w = _subprocess.pipe()
                if i == 0:
                    fds[0] = r
                    parent[0] = w
                    self._child_fds.append(r)
                else:
                    fds[i] = w
                    parent[i] = r
                    self._child_fds.append(w)
            elif spec == DEVNULL:
                fds[i] = _subprocess.open_devnull(i != 0)
                self._child_fds.append(fds[i])
            elif spec == STDOUT and i == 2:
                fds[2] = fds[1] if fds[1] >= 0 else 1
            elif spec is None:
                fds[i] = -1
            elif isinstance(spec, int):
                fds[i] = spec
            else:
                fds[i] = spec.fileno()
        try:
            self.pid = _subprocess.spawn(argv, cwd, envl, fds[0], fds[1], fds[2])
        finally:
            for fd in self._child_fds:
                _subprocess.close(fd)
        self._fds = parent

    def poll(self):
        if self.returncode is None:
            self.returncode = _subprocess.waitpid(self.pid, 1)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is not None:
            return self.returncode
        if timeout is None:
            self.returncode = _subprocess.waitpid(self.pid, 0)
            return self.returncode
        end = time.monotonic() + timeout
        delay = 0.0005
        while self.poll() is None:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutExpired(self.args, timeout)
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.05)
        return self.returncode

    def _decode(self, data):
        if data is not None and self.text_mode:
            return data.decode().replace("\r\n", "\n")
        return data

    def communicate(self, input=None, timeout=None):
        if not hasattr(self, "_threads"):
            self._out = []
            self._err = []
            self._threads = []
            if self._fds[1] is not None:
                self._threads.append(threading.Thread(target=_drain, args=(self._fds[1], self._out), daemon=True))
            if self._fds[2] is not None:
                self._threads.append(threading.Thread(target=_drain, args=(self._fds[2], self._err), daemon=True))
            if self._fds[0] is not None:
                data = input
                if data is not None and isinstance(data, str):
                    data = data.encode()
                w = self._fds[0]
                self._threads.append(threading.Thread(target=_feed, args=(w, data), daemon=True))
            for t in self._threads:
                t.start()
        end = None if timeout is None else time.monotonic() + timeout
        for t in self._threads:
            if end is None:
                t.join()
            else:
                t.join(max(0.0, end - time.monotonic()))
                if t.is_alive():
                    raise TimeoutExpired(self.args, timeout)
        self.wait(None if end is None else max(0.0, end - time.monotonic()))
        out = self._decode(b"".join(self._out)) if self._fds[1] is not None else None
        err = self._decode(b"".join(self._err)) if self._fds[2] is not None else None
        return (out, err)

    def send_signal(self, sig):
        if self.returncode is None:
            _subprocess.kill(self.pid, sig)

    def terminate(self):
        self.send_signal(15)

    def kill(self):
        self.send_signal(9)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.wait()
        return False


def _feed(fd, data):
    try:
        if data:
            _subprocess.write_all(fd, data)
    except BrokenPipeError:
        pass
    _subprocess.close(fd)


def run(args, stdin=None, input=None, stdout=None, stderr=None, capture_output=False, shell=False,
        cwd=None, timeout=None, check=False, env=None, text=False, universal_newlines=False):
    if input is not None:
        stdin = PIPE
    if capture_output:
        stdout = PIPE
        stderr = PIPE
    p = Popen(args, stdin=stdin, stdout=stdout, stderr=stderr, shell=shell, cwd=cwd, env=env, text=text,
              universal_newlines=universal_newlines)
    try:
        out, err = p.communicate(input, timeout)
    except TimeoutExpired as e:
        p.kill()
        p.wait()
        raise e
    if check and p.returncode:
        raise CalledProcessError(p.returncode, args, out, err)
    return CompletedProcess(args, p.returncode, out, err)


def call(args, stdin=None, stdout=None, stderr=None, shell=False, cwd=None, timeout=None, env=None):
    p = Popen(args, stdin=stdin, stdout=stdout, stderr=stderr, shell=shell, cwd=cwd, env=env)
    try:
        return p.wait(timeout)
    except TimeoutExpired as e:
        p.kill()
        p.wait()
        raise e


def check_call(args, stdin=None, stdout=None, stderr=None, shell=False, cwd=None, timeout=None, env=None):
    rc = call(args, stdin, stdout, stderr, shell, cwd, timeout, env)
    if rc:
        raise CalledProcessError(rc, args)
    return 0


def check_output(args, stdin=None, input=None, stderr=None, shell=False, cwd=None, timeout=None, env=None,
                 text=False, universal_newlines=False):
    return run(args, stdin=stdin, input=input, stdout=PIPE, stderr=stderr, shell=shell, cwd=cwd,
               timeout=timeout, check=True, env=env, text=text, universal_newlines=universal_newlines).stdout
