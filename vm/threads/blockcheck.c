/*
 * vm/threads/blockcheck.c - GIL-debug class 4: a blocking call made while
 * holding the GIL.  Owns the interposers of the blocking libc functions.
 *
 * Only in the GIL-debug build (and never together with a sanitizer, whose
 * runtime interposes the same functions), libgilkit defines sleep, read,
 * poll, pthread_mutex_lock, ... itself.  libgilkit is loaded before libc, so
 * the dynamic linker binds every call from the program, its extension
 * modules and their libraries to these definitions (the export list in
 * Makefile.am names them).  Each one forwards to the next definition,
 * libc's, found once with dlsym(RTLD_NEXT); before forwarding it checks, in
 * this order and as cheaply as possible:
 *   - does the calling thread hold the GIL?  (a TLS load and an atomic load;
 *     almost every call stops here);
 *   - is the caller outside libgilkit's own text?  The VM never blocks with
 *     the GIL held except on its own locks (the GIL's mutex, the trace
 *     writer's, the report's), so its own calls are exempt by address;
 *   - would this call really block?  A zero timeout, WNOHANG, MSG_DONTWAIT,
 *     an O_NONBLOCK descriptor, a regular file, an uncontended mutex
 *     (pthread_mutex_trylock succeeds first) do not;
 *   - is this call site (the return address) new?  Default: warn once per
 *     call site and continue (GILKIT_GIL_CHECK=abort to stop).
 * A report names the function, the descriptor's kind, the caller
 * (module+offset, or symbol+offset; addr2line turns the offset into
 * file:line), the Python line that called into the extension, and a
 * backtrace.  No report is made in a fork child (pthread_atfork) or while a
 * report is being written (a thread-local guard).
 */
#include "config.h"
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GK__SANITIZED 1   /* clang's spelling of __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__ */
#endif
#endif
/* -DGK_NO_BLOCKCHECK leaves the interposers out of a debug build (to
 * measure their cost, or beside another interposing tool). */
#if defined(GK_GIL_DEBUG) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(GK__SANITIZED) && !defined(GK_NO_BLOCKCHECK)
#undef _FORTIFY_SOURCE   /* the fortified inline wrappers would clash with our definitions */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "runtime.h"
#include "threads/gil.h"
#include "threads/gilcheck.h"
#include "threads/lockdep.h"

/* ---- the next definitions (libc's) ---- */

static void *next_fn(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (!p) {
        static const char msg[] = "gilkit-gil-debug: dlsym(RTLD_NEXT) failed for an interposed function\n";
        ssize_t w = syscall(SYS_write, 2, msg, sizeof msg - 1);
        (void)w;
        abort();
    }
    return p;
}

/* NEXT(name) evaluates to libc's name, resolved on first use. */
#define NEXT(name) \
    ({ static _Atomic(__typeof__(&name)) next_##name; \
       __typeof__(&name) f_ = atomic_load_explicit(&next_##name, memory_order_relaxed); \
       if (!f_) { f_ = (__typeof__(&name))next_fn(#name); \
                  atomic_store_explicit(&next_##name, f_, memory_order_relaxed); } \
       f_; })

/* ---- is the check armed for this call? ---- */

static _Thread_local int busy;        /* a report is being written on this thread */
static atomic_bool in_fork_child;
static uintptr_t own_lo, own_hi;      /* libgilkit's executable segment */
static atomic_int own_state;          /* 0 not computed, 1 computing, 2 done */

static int find_own_text(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uintptr_t me = (uintptr_t)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (me >= lo && me < hi) {
            own_lo = lo;
            own_hi = hi;
            return 1;
        }
    }
    return 0;
}

static bool caller_is_vm(void *caller)
{
    int st = atomic_load_explicit(&own_state, memory_order_acquire);
    if (st != 2) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&own_state, &expected, 1)) {
            dl_iterate_phdr(find_own_text, (void *)(uintptr_t)&caller_is_vm);
            atomic_store_explicit(&own_state, 2, memory_order_release);
        } else {
            while (atomic_load_explicit(&own_state, memory_order_acquire) != 2)
                ;
        }
    }
    return (uintptr_t)caller >= own_lo && (uintptr_t)caller < own_hi;
}

static void on_fork_child(void)
{
    atomic_store_explicit(&in_fork_child, true, memory_order_relaxed);
}

__attribute__((constructor)) static void blockcheck_init(void)
{
    pthread_atfork(NULL, NULL, on_fork_child);
}

/* True when the call at `caller` must be looked at: the thread holds the
 * GIL, the caller is not the VM, no report is in progress. */
static inline bool armed(void *caller)
{
    if (!gk__gil_held() || busy)
        return false;
    if (atomic_load_explicit(&in_fork_child, memory_order_relaxed))
        return false;
    return !caller_is_vm(caller);
}

/* ---- once per call site ---- */

#define SITES 1024
static _Atomic(uintptr_t) sites[SITES];

/* True the first time `caller` is seen (and when the table is full). */
static bool first_at_site(void *caller)
{
    uintptr_t a = (uintptr_t)caller;
    size_t h = (size_t)((a >> 2) * 0x9E3779B97F4A7C15ull) % SITES;
    for (size_t i = 0; i < SITES; i++) {
        _Atomic(uintptr_t) *slot = &sites[(h + i) % SITES];
        uintptr_t cur = atomic_load(slot);
        if (cur == a)
            return false;
        if (cur == 0) {
            uintptr_t expected = 0;
            if (atomic_compare_exchange_strong(slot, &expected, a))
                return true;
            if (expected == a)
                return false;
        }
    }
    return true;
}

/* True if `caller` was reported already (a read-only probe). */
static bool site_seen(void *caller)
{
    uintptr_t a = (uintptr_t)caller;
    size_t h = (size_t)((a >> 2) * 0x9E3779B97F4A7C15ull) % SITES;
    for (size_t i = 0; i < SITES; i++) {
        uintptr_t cur = atomic_load_explicit(&sites[(h + i) % SITES], memory_order_relaxed);
        if (cur == a)
            return true;
        if (cur == 0)
            return false;
    }
    return false;
}

/* ---- descriptors ---- */

/* The kind of descriptor a blocking read/write/accept on fd may wait on
 * ("pipe", "socket", "terminal"), or NULL if the call cannot block: an
 * O_NONBLOCK descriptor, a regular file or block device, /dev/null... */
static const char *blocking_fd_kind(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    struct stat st;
    if (fl < 0 || (fl & O_NONBLOCK) || fstat(fd, &st) < 0)
        return NULL;
    if (S_ISFIFO(st.st_mode))
        return "pipe";
    if (S_ISSOCK(st.st_mode))
        return "socket";
    if (S_ISCHR(st.st_mode) && isatty(fd))
        return "terminal";
    return NULL;
}

/* ---- the report ---- */

static void describe_caller(void *caller, char *buf, size_t n)
{
    Dl_info di;
    memset(&di, 0, sizeof di);
    if (!dladdr(caller, &di) || !di.dli_fname) {
        snprintf(buf, n, "%p", caller);
        return;
    }
    const char *base = strrchr(di.dli_fname, '/');
    base = base ? base + 1 : di.dli_fname;
    /* The offset into the file is what addr2line -e FILE takes. */
    uintptr_t off = (uintptr_t)caller - (uintptr_t)di.dli_fbase;
    if (di.dli_sname && di.dli_saddr)
        snprintf(buf, n, "%s+0x%lx in %s (offset 0x%lx: addr2line -f -e %s 0x%lx)", di.dli_sname,
                 (unsigned long)((uintptr_t)caller - (uintptr_t)di.dli_saddr), base, (unsigned long)off,
                 di.dli_fname, (unsigned long)(off - 1));
    else
        snprintf(buf, n, "%s+0x%lx (addr2line -f -e %s 0x%lx)", base, (unsigned long)off, di.dli_fname,
                 (unsigned long)(off - 1));
}

static void report(void *caller, const char *fn, const char *why)
{
    int saved_errno = errno;
    char what[256], where[640], ext[200] = "", py[320], detail[1600];
    gk__tstate *ts = gk__current;
    busy = 1;
    if (!first_at_site(caller))
        goto done;
    snprintf(what, sizeof what, "blocking call %s while holding the GIL (class 4)", fn);
    describe_caller(caller, where, sizeof where);
    const char *mod = atomic_load_explicit(&ts->ext_module, memory_order_relaxed);
    const char *func = atomic_load_explicit(&ts->ext_func, memory_order_relaxed);
    if (func)
        snprintf(ext, sizeof ext, "\n  extension function: %s.%s()", mod ? mod : "?", func);
    gk__lockdep_python_location(py, sizeof py);
    snprintf(detail, sizeof detail,
             "call: %s%s\n  caller: %s%s%s%s\n"
             "  fix: release the GIL around it (GK_BEGIN_ALLOW_THREADS ... GK_END_ALLOW_THREADS,\n"
             "       or gk_call_blocking)",
             fn, why, where, ext, py[0] ? "\n  called from Python: " : "", py);
    gk__gilcheck_report(what, detail, NULL, 0, 0);
done:
    busy = 0;
    errno = saved_errno;
}

#define CALLER() __builtin_extract_return_addr(__builtin_return_address(0))

/* ---- the interposers: libc's contract; check, then forward to libc ---- */

/* ---- sleeping ---- */

unsigned int sleep(unsigned int seconds)
{
    void *c = CALLER();
    if (seconds && armed(c))
        report(c, "sleep()", "");
    return NEXT(sleep)(seconds);
}

int usleep(useconds_t usec)
{
    void *c = CALLER();
    if (usec && armed(c))
        report(c, "usleep()", "");
    return NEXT(usleep)(usec);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    void *c = CALLER();
    if (req && (req->tv_sec || req->tv_nsec) && armed(c))
        report(c, "nanosleep()", "");
    return NEXT(nanosleep)(req, rem);
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
    void *c = CALLER();
    if (req && armed(c)) {
        bool waits = req->tv_sec || req->tv_nsec;
        if (flags & TIMER_ABSTIME) {
            struct timespec now;
            waits = clock_gettime(clk, &now) == 0 &&
                    (req->tv_sec > now.tv_sec || (req->tv_sec == now.tv_sec && req->tv_nsec > now.tv_nsec));
        }
        if (waits)
            report(c, "clock_nanosleep()", "");
    }
    return NEXT(clock_nanosleep)(clk, flags, req, rem);
}

/* ---- descriptors ---- */

static void check_fd(void *c, const char *fn, int fd)
{
    if (!armed(c) || site_seen(c))
        return;   /* a reported site does not pay for the descriptor's system calls again */
    int saved_errno = errno;
    const char *kind = blocking_fd_kind(fd);
    errno = saved_errno;
    if (kind) {
        char why[96];
        snprintf(why, sizeof why, " on fd %d (a blocking %s)", fd, kind);
        report(c, fn, why);
    }
}

ssize_t read(int fd, void *buf, size_t n)
{
    check_fd(CALLER(), "read()", fd);
    return NEXT(read)(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    check_fd(CALLER(), "write()", fd);
    return NEXT(write)(fd, buf, n);
}

/* The _FORTIFY_SOURCE variants that extensions built with -O2 call
 * instead, when the buffer size is known but the count is not constant. */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
                       socklen_t *len);
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    check_fd(CALLER(), "read()", fd);
    return NEXT(__read_chk)(fd, buf, n, buflen);
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "recv()", fd);
    return NEXT(__recv_chk)(fd, buf, n, buflen, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
                       socklen_t *len)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "recvfrom()", fd);
    return NEXT(__recvfrom_chk)(fd, buf, n, buflen, flags, addr, len);
}

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
    void *c = CALLER();
    if (timeout != 0 && armed(c))
        report(c, "poll()", timeout < 0 ? " with no timeout" : "");
    return NEXT(__poll_chk)(fds, n, timeout, fdslen);
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
    check_fd(CALLER(), "readv()", fd);
    return NEXT(readv)(fd, iov, cnt);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    check_fd(CALLER(), "writev()", fd);
    return NEXT(writev)(fd, iov, cnt);
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "recv()", fd);
    return NEXT(recv)(fd, buf, n, flags);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "send()", fd);
    return NEXT(send)(fd, buf, n, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "recvfrom()", fd);
    return NEXT(recvfrom)(fd, buf, n, flags, addr, len);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "sendto()", fd);
    return NEXT(sendto)(fd, buf, n, flags, addr, len);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "recvmsg()", fd);
    return NEXT(recvmsg)(fd, msg, flags);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    if (!(flags & MSG_DONTWAIT))
        check_fd(CALLER(), "sendmsg()", fd);
    return NEXT(sendmsg)(fd, msg, flags);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    check_fd(CALLER(), "accept()", fd);
    return NEXT(accept)(fd, addr, len);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    check_fd(CALLER(), "accept4()", fd);
    return NEXT(accept4)(fd, addr, len, flags);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    check_fd(CALLER(), "connect()", fd);
    return NEXT(connect)(fd, addr, len);
}

/* ---- waiting for descriptors ---- */

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    void *c = CALLER();
    if (timeout != 0 && armed(c))
        report(c, "poll()", timeout < 0 ? " with no timeout" : "");
    return NEXT(poll)(fds, n, timeout);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *tmo, const sigset_t *mask)
{
    void *c = CALLER();
    if ((!tmo || tmo->tv_sec || tmo->tv_nsec) && armed(c))
        report(c, "ppoll()", tmo ? "" : " with no timeout");
    return NEXT(ppoll)(fds, n, tmo, mask);
}

int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tmo)
{
    void *c = CALLER();
    if ((!tmo || tmo->tv_sec || tmo->tv_usec) && armed(c))
        report(c, "select()", tmo ? "" : " with no timeout");
    return NEXT(select)(n, r, w, e, tmo);
}

int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *tmo, const sigset_t *mask)
{
    void *c = CALLER();
    if ((!tmo || tmo->tv_sec || tmo->tv_nsec) && armed(c))
        report(c, "pselect()", tmo ? "" : " with no timeout");
    return NEXT(pselect)(n, r, w, e, tmo, mask);
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
    void *c = CALLER();
    if (timeout != 0 && armed(c))
        report(c, "epoll_wait()", timeout < 0 ? " with no timeout" : "");
    return NEXT(epoll_wait)(epfd, ev, max, timeout);
}

int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
    void *c = CALLER();
    if (timeout != 0 && armed(c))
        report(c, "epoll_pwait()", timeout < 0 ? " with no timeout" : "");
    return NEXT(epoll_pwait)(epfd, ev, max, timeout, mask);
}

/* ---- children ---- */

pid_t wait(int *status)
{
    void *c = CALLER();
    if (armed(c))
        report(c, "wait()", "");
    return NEXT(wait)(status);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    void *c = CALLER();
    if (!(options & WNOHANG) && armed(c))
        report(c, "waitpid()", "");
    return NEXT(waitpid)(pid, status, options);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    void *c = CALLER();
    if (!(options & WNOHANG) && armed(c))
        report(c, "wait4()", "");
    return NEXT(wait4)(pid, status, options, ru);
}

/* ---- threads ---- */

int pthread_mutex_lock(pthread_mutex_t *m)
{
    void *c = CALLER();
    if (armed(c)) {
        int r = NEXT(pthread_mutex_trylock)(m);
        if (r != EBUSY)
            return r;
        report(c, "pthread_mutex_lock()", " on a contended mutex");
    }
    return NEXT(pthread_mutex_lock)(m);
}

int pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
{
    void *c = CALLER();
    if (armed(c))
        report(c, "pthread_cond_wait()", "");
    return NEXT(pthread_cond_wait)(cv, m);
}

int pthread_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *m, const struct timespec *abstime)
{
    void *c = CALLER();
    if (armed(c))
        report(c, "pthread_cond_timedwait()", "");
    return NEXT(pthread_cond_timedwait)(cv, m, abstime);
}

#else
/* Release and sanitizer builds: no interposers. */
typedef int gk__blockcheck_unused;
#endif
