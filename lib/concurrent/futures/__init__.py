"""Futures and a thread pool (concurrent.futures), on gilkit threads."""
import threading
import queue as _queue
from time import monotonic as _time

__all__ = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "CancelledError", "TimeoutError",
           "BrokenExecutor", "Future", "Executor", "wait", "as_completed", "ThreadPoolExecutor"]

FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"

_PENDING = "PENDING"
_RUNNING = "RUNNING"
_CANCELLED = "CANCELLED"
_CANCELLED_AND_NOTIFIED = "CANCELLED_AND_NOTIFIED"
_FINISHED = "FINISHED"


class Error(Exception):
    pass


class CancelledError(Error):
    pass


TimeoutError = TimeoutError


class BrokenExecutor(RuntimeError):
    pass


class InvalidStateError(Error):
    pass


class _Waiter:
    """Collects futures as they finish, for wait() and as_completed()."""

    def __init__(self, mode, total):
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.finished_futures = []
        self.mode = mode
        self.pending = total

    def _done(self, future):
        with self.lock:
            self.finished_futures.append(future)
            self.pending -= 1
            if self.mode == FIRST_COMPLETED:
                self.event.set()
            elif self.mode == FIRST_EXCEPTION and not future.cancelled() and future.exception() is not None:
                self.event.set()
            elif self.pending <= 0:
                self.event.set()

    add_result = _done
    add_exception = _done
    add_cancelled = _done


class Future:
    """The result of a call that may not have finished yet."""

    def __init__(self):
        self._condition = threading.Condition()
        self._state = _PENDING
        self._result = None
        self._exception = None
        self._waiters = []
        self._done_callbacks = []

    def __repr__(self):
        with self._condition:
            if self._state == _FINISHED:
                if self._exception:
                    return "<%s at %s state=finished raised %s>" % (
                        type(self).__name__, hex(id(self)), type(self._exception).__name__)
                return "<%s at %s state=finished returned %s>" % (
                    type(self).__name__, hex(id(self)), type(self._result).__name__)
            return "<%s at %s state=%s>" % (type(self).__name__, hex(id(self)), self._state.lower())

    def _invoke_callbacks(self):
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception as exc:
                threading._thread._print_exception(exc)

    def cancel(self):
        with self._condition:
            if self._state in (_RUNNING, _FINISHED):
                return False
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED):
                return True
            self._state = _CANCELLED
            self._condition.notify_all()
        self._invoke_callbacks()
        return True

    def cancelled(self):
        with self._condition:
            return self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED)

    def running(self):
        with self._condition:
            return self._state == _RUNNING

    def done(self):
        with self._condition:
            return self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED, _FINISHED)

    def _get_result(self):
        if self._exception is not None:
            raise self._exception
        return self._result

    def add_done_callback(self, fn):
        with self._condition:
            if self._state not in (_CANCELLED, _CANCELLED_AND_NOTIFIED, _FINISHED):
                self._done_callbacks.append(fn)
                return
        try:
            fn(self)
        except Exception as exc:
            threading._thread._print_exception(exc)

    def result(self, timeout=None):
        with self._condition:
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            if self._state == _FINISHED:
                return self._get_result()
            self._condition.wait(timeout)
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            if self._state == _FINISHED:
                return self._get_result()
            raise TimeoutError()

    def exception(self, timeout=None):
        with self._condition:
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            if self._state == _FINISHED:
                return self._exception
            self._condition.wait(timeout)
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            if self._state == _FINISHED:
                return self._exception
            raise TimeoutError()

    def set_running_or_notify_cancel(self):
        with self._condition:
            if self._state == _CANCELLED:
                self._state = _CANCELLED_AND_NOTIFIED
                for waiter in self._waiters:
                    waiter.add_cancelled(self)
                return False
            if self._state == _PENDING:
                self._state = _RUNNING
                return True
            raise RuntimeError("Future in unexpected state")

    def set_result(self, result):
        with self._condition:
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED, _FINISHED):
                raise InvalidStateError("%s: %r" % (self._state, self))
            self._result = result
            self._state = _FINISHED
            for waiter in self._waiters:
                waiter.add_result(self)
            self._condition.notify_all()
        self._invoke_callbacks()

    def set_exception(self, exception):
        with self._condition:
            if self._state in (_CANCELLED, _CANCELLED_AND_NOTIFIED, _FINISHED):
                raise InvalidStateError("%s: %r" % (self._state, self))
            self._exception = exception
            self._state = _FINISHED
            for waiter in self._waiters:
                waiter.add_exception(self)
            self._condition.notify_all()
        self._invoke_callbacks()


def _finished(f):
    return f._state in (_CANCELLED_AND_NOTIFIED, _FINISHED)


def as_completed(fs, timeout=None):
    """Yields the futures in fs as they finish."""
    if timeout is not None:
        end_time = timeout + _time()
    fs = list(dict.fromkeys(fs))
    waiter = _Waiter(ALL_COMPLETED, len(fs))
    for f in fs:
        with f._condition:
            if _finished(f):
                waiter.pending -= 1
                waiter.finished_futures.append(f)
            else:
                f._waiters.append(waiter)
    pending = set(fs)
    try:
        while pending:
            with waiter.lock:
                finished = waiter.finished_futures
                waiter.finished_futures = []
                waiter.event.clear()
            for f in finished:
                if f in pending:
                    pending.remove(f)
                    yield f
            if not pending:
                break
            if timeout is None:
                wait_timeout = None
            else:
                wait_timeout = end_time - _time()
                if wait_timeout < 0:
                    raise TimeoutError("%d (of %d) futures unfinished" % (len(pending), len(fs)))
            if not waiter.finished_futures:
                waiter.event.wait(wait_timeout)
    finally:
        for f in fs:
            with f._condition:
                if waiter in f._waiters:
                    f._waiters.remove(waiter)


class DoneAndNotDoneFutures:
    def __init__(self, done, not_done):
        self.done = done
        self.not_done = not_done

    def __iter__(self):
        return iter((self.done, self.not_done))


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Waits for the futures in fs; returns (done, not_done) sets."""
    fs = set(fs)
    done = set(f for f in fs if _finished(f))
    not_done = fs - done
    if return_when == FIRST_COMPLETED and done:
        return DoneAndNotDoneFutures(done, not_done)
    if return_when == FIRST_EXCEPTION and done:
        if any(f for f in done if not f.cancelled() and f.exception() is not None):
            return DoneAndNotDoneFutures(done, not_done)
    if len(done) == len(fs):
        return DoneAndNotDoneFutures(done, not_done)
    waiter = _Waiter(return_when, len(not_done))
    for f in not_done:
        with f._condition:
            if _finished(f):
                waiter._done(f)
            else:
                f._waiters.append(waiter)
    waiter.event.wait(timeout)
    for f in fs:
        with f._condition:
            if waiter in f._waiters:
                f._waiters.remove(waiter)
    done.update(waiter.finished_futures)
    return DoneAndNotDoneFutures(done, fs - done)


class Executor:
    def submit(self, fn, *args, **kwargs):
        raise NotImplementedError()

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        if timeout is not None:
            end_time = timeout + _time()
        fs = [self.submit(fn, *args) for args in zip(*iterables)]

        def result_iterator():
            try:
                fs.reverse()
                while fs:
                    if timeout is None:
                        yield fs.pop().result()
                    else:
                        yield fs.pop().result(end_time - _time())
            finally:
                for future in fs:
                    future.cancel()
        return result_iterator()

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False


class _WorkItem:
    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)


def _worker(executor_ref, work_queue):
    while True:
        work_item = work_queue.get(block=True)
        if work_item is not None:
            work_item.run()
            del work_item
            executor_ref._idle_semaphore.release()
            continue
        work_queue.put(None)
        return


_pools = []


def _python_exit():
    for pool in list(_pools):
        pool.shutdown(wait=True)


threading._register_atexit(_python_exit)


class ThreadPoolExecutor(Executor):
    """Runs calls on a pool of at most max_workers threads."""

    _counter = [0]

    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        if max_workers is None:
            max_workers = 6
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        self._max_workers = max_workers
        self._work_queue = _queue.Queue()
        self._idle_semaphore = threading.Semaphore(0)
        self._threads = set()
        self._broken = False
        self._shutdown = False
        self._shutdown_lock = threading.Lock()
        ThreadPoolExecutor._counter[0] += 1
        self._thread_name_prefix = thread_name_prefix or ("ThreadPoolExecutor-%d" % (ThreadPoolExecutor._counter[0] - 1))
        self._initializer = initializer
        self._initargs = initargs
        _pools.append(self)

    def submit(self, fn, *args, **kwargs):
        with self._shutdown_lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            f = Future()
            w = _WorkItem(f, fn, args, kwargs)
            self._work_queue.put(w)
            self._adjust_thread_count()
            return f

    def _adjust_thread_count(self):
        if self._idle_semaphore.acquire(timeout=0):
            return
        num_threads = len(self._threads)
        if num_threads < self._max_workers:
            name = "%s_%d" % (self._thread_name_prefix, num_threads)
            t = threading.Thread(name=name, target=_worker, args=(self, self._work_queue))
            t.start()
            self._threads.add(t)

    def shutdown(self, wait=True, *, cancel_futures=False):
        with self._shutdown_lock:
            if not self._shutdown:
                self._shutdown = True
                if cancel_futures:
                    while True:
                        try:
                            work_item = self._work_queue.get_nowait()
                        except _queue.Empty:
                            break
                        if work_item is not None:
                            work_item.future.cancel()
                self._work_queue.put(None)
        if wait:
            for t in list(self._threads):
                t.join()
        if self in _pools:
            _pools.remove(self)
