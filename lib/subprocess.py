# lib/subprocess.py: run, Popen, check_output, check_call, call over the C
# layer in modules/_subprocess.c.  Popen.stdin/stdout/stderr are io file
# objects on the pipes; communicate() reads each pipe in its own thread
# (reads release the GIL), so stdout and stderr never deadlock.
import io
import threading
import time
import _subprocess

PIPE = -1
STDOUT = -2
DEVNULL = -3


class SubprocessError(Exception):
    pass


_SIGNALS = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
            8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
            14: "SIGALRM", 15: "SIGTERM", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP",
            24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 31: "SIGSYS"}


class CalledProcessError(SubprocessError):
    def __init__(self, returncode, cmd, output=None, stderr=None):
        SubprocessError.__init__(self, returncode, cmd)
        self.returncode = returncode
        self.cmd = cmd
        self.output = output
        self.stdout = output
        self.stderr = stderr

    def __str__(self):
        if self.returncode and self.returncode < 0:
            name = _SIGNALS.get(-self.returncode)
            if name is None:
                return "Command '%s' died with unknown signal %d." % (self.cmd, -self.returncode)
            return "Command '%s' died with <Signals.%s: %d>." % (self.cmd, name, -self.returncode)
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
    # Thread body of communicate(): reads a pipe to its end (the read
    # releases the GIL); the file object is closed by communicate().
    while True:
        b = _subprocess.read(fd, 65536)
        if not b:
            break
        sink.append(b)


def _feed(f, data):
    # Thread body of communicate(): writes the input and closes stdin.
    try:
        if data:
            _subprocess.write_all(f.fileno(), data)
    except BrokenPipeError:
        pass
    try:
        f.close()
    except BrokenPipeError:
        pass


def _translate(data, encoding, errors):
    return data.decode(encoding, errors).replace("\r\n", "\n").replace("\r", "\n")


class Popen:
    def __init__(self, args, bufsize=-1, stdin=None, stdout=None, stderr=None, shell=False, cwd=None, env=None,
                 universal_newlines=None, text=None, encoding=None, errors=None):
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
        if text is not None and universal_newlines is not None and bool(universal_newlines) != bool(text):
            raise SubprocessError("Cannot disambiguate when both text and universal_newlines are supplied but "
                                  "different. Pass one or the other.")
        self.text_mode = bool(encoding or errors or text or universal_newlines)
        if bufsize is None:
            bufsize = -1
        self.stdin = None
        self.stdout = None
        self.stderr = None
        self.returncode = None
        self._communication_started = False
        self._child_fds = []
        fds = [-1, -1, -1]
        parent = [None, None, None]
        specs = [stdin, stdout, stderr]
        try:
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
            self.pid = _subprocess.spawn(argv, cwd, envl, fds[0], fds[1], fds[2])
        except BaseException:
            for fd in parent:
                if fd is not None:
                    _subprocess.close(fd)
            raise
        finally:
            for fd in self._child_fds:
                _subprocess.close(fd)
        # The parent's ends as file objects, as in python3.
        if parent[0] is not None:
            self.stdin = io.open(parent[0], "wb", bufsize)
            if self.text_mode:
                self.stdin = io.TextIOWrapper(self.stdin, encoding, errors, None, bufsize == 1)
        if parent[1] is not None:
            self.stdout = io.open(parent[1], "rb", bufsize)
            if self.text_mode:
                self.stdout = io.TextIOWrapper(self.stdout, encoding, errors)
        if parent[2] is not None:
            self.stderr = io.open(parent[2], "rb", bufsize)
            if self.text_mode:
                self.stderr = io.TextIOWrapper(self.stderr, encoding, errors)

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

    def _stdin_write(self, input):
        if input:
            try:
                self.stdin.write(input)
            except BrokenPipeError:
                pass
        try:
            self.stdin.close()
        except BrokenPipeError:
            pass

    def communicate(self, input=None, timeout=None):
        if self._communication_started and input:
            raise ValueError("Cannot send input after starting communication")
        if (timeout is None and not self._communication_started and
                [self.stdin, self.stdout, self.stderr].count(None) >= 2):
            # One pipe: no threads needed.
            stdout = None
            stderr = None
            if self.stdin:
                self._stdin_write(input)
            elif self.stdout:
                stdout = self.stdout.read()
                self.stdout.close()
            elif self.stderr:
                stderr = self.stderr.read()
                self.stderr.close()
            self.wait()
            return (stdout, stderr)
        if not self._communication_started:
            self._communication_started = True
            self._out = []
            self._err = []
            self._readers = []
            self._threads = []
            if self.stdout:
                self._readers.append(threading.Thread(target=_drain, args=(self.stdout.fileno(), self._out),
                                                      daemon=True))
            if self.stderr:
                self._readers.append(threading.Thread(target=_drain, args=(self.stderr.fileno(), self._err),
                                                      daemon=True))
            self._threads = list(self._readers)
            if self.stdin:
                try:
                    self.stdin.flush()
                except BrokenPipeError:
                    pass
                data = input
                if data is not None and self.text_mode:
                    data = data.encode(self.stdin.encoding, self.stdin.errors)
                self._threads.append(threading.Thread(target=_feed, args=(self.stdin, data), daemon=True))
            for t in self._threads:
                t.start()
        end = None if timeout is None else time.monotonic() + timeout
        for t in self._threads:
            if end is None:
                t.join()
            else:
                t.join(max(0.0, end - time.monotonic()))
                if t.is_alive():
                    raise TimeoutExpired(self.args, timeout, b"".join(self._out) if self._out else None,
                                         b"".join(self._err) if self._err else None)
        for f in (self.stdout, self.stderr):
            if f is not None and not f.closed:
                f.close()
        self.wait(None if end is None else max(0.0, end - time.monotonic()))
        out = b"".join(self._out) if self.stdout is not None else None
        err = b"".join(self._err) if self.stderr is not None else None
        if self.text_mode:
            if out is not None:
                out = _translate(out, self.stdout.encoding, self.stdout.errors)
            if err is not None:
                err = _translate(err, self.stderr.encoding, self.stderr.errors)
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
        # A communicate() reader still running (after a timeout) owns its fd.
        readers = getattr(self, "_readers", None)
        if not readers or not any(t.is_alive() for t in readers):
            if self.stdout:
                self.stdout.close()
            if self.stderr:
                self.stderr.close()
        try:
            if self.stdin:
                try:
                    self.stdin.close()
                except BrokenPipeError:
                    pass
        finally:
            self.wait()
        return False


def run(args, bufsize=-1, stdin=None, input=None, stdout=None, stderr=None, capture_output=False, shell=False,
        cwd=None, timeout=None, check=False, env=None, text=None, universal_newlines=None, encoding=None,
        errors=None):
    if input is not None:
        if stdin is not None:
            raise ValueError("stdin and input arguments may not both be used.")
        stdin = PIPE
    if capture_output:
        if stdout is not None or stderr is not None:
            raise ValueError("stdout and stderr arguments may not be used with capture_output.")
        stdout = PIPE
        stderr = PIPE
    with Popen(args, bufsize, stdin, stdout, stderr, shell, cwd, env, universal_newlines, text, encoding,
               errors) as p:
        try:
            out, err = p.communicate(input, timeout)
        except TimeoutExpired:
            p.kill()
            p.wait()
            raise
        except BaseException:
            p.kill()
            raise
        rc = p.poll()
        if check and rc:
            raise CalledProcessError(rc, p.args, out, err)
    return CompletedProcess(p.args, rc, out, err)


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
                 text=None, universal_newlines=None):
    return run(args, stdin=stdin, input=input, stdout=PIPE, stderr=stderr, shell=shell, cwd=cwd,
               timeout=timeout, check=True, env=env, text=text, universal_newlines=universal_newlines).stdout
