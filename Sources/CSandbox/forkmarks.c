// What the sandbox's first process inherits of cordon's memory.
//
// The sandbox's child is cloned without CLONE_VM (it must not share cordon's memory: it
// becomes init and lives, as the sandbox's uid, as long as the command). A plain fork-style
// clone copies the page tables of every private mapping and makes each page copy-on-write in
// both processes for as long as the child lives: each first write by any of cordon's threads
// to any page it had before the clone (heap, thread stacks, SQLite's cache, the monitor's
// buffers) then takes a fault, a page copy and a TLB flush of the other CPUs running cordon
// (an IPI). Measured in session 12 of issue 19: 9.5 % of a run's CPU in the copies, 6.4 % in
// the IPIs, for pages the child never reads.
//
// The child reads only its plan (a dedicated arena, CArena), the stack window it runs on and
// the binary's own data (file-backed, always copied). So before the clone every other private
// anonymous mapping is marked MADV_WIPEONFORK: the kernel gives the child those ranges empty
// (zero-filled on touch) and neither copies their page tables nor write-protects cordon's
// pages (dup_mmap skips them). The marks persist on the mappings, which is why the window and
// the plan are marked MADV_KEEPONFORK again each time (another thread's spawn may have marked
// them) and why marking and clone happen under one lock.
//
// This also means the sandbox's init no longer holds a copy of cordon's heap (tokens, keys,
// the caller's environment) for the whole run: it holds the plan it was given and its stack.
//
// Consequences for any other fork-style child of cordon: it gets those mappings empty too.
// glibc's fork() walks malloc's arenas and the thread list in the child (atfork handlers),
// which would then read zeros, so nothing in cordon calls fork(): the probes (shims.c) clone
// with a raw syscall under the same lock and keep their own window. posix_spawn (CLONE_VM)
// and CLONE_VM children share the memory and are not affected.
#define _GNU_SOURCE
#include "forkmarks.h"

#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_KEEPONFORK
#define MADV_KEEPONFORK 19
#endif

static pthread_mutex_t marks_lock = PTHREAD_MUTEX_INITIALIZER;

/// Calls, once and in the parent, each libc function a child calls. In a dynamically linked
/// build (the tests, a debug cordon) a function's first call goes through the dynamic loader,
/// which reads the libraries' link maps: memory a child gets empty. Resolved here, a child's
/// call jumps straight to the function. (The static shipped binary resolves everything at
/// start.)
static void resolve_child_calls(void) {
    static int done;
    if (done) return;
    done = 1;
    int saved = errno;
    char a[8] = {0}, b[8];
    volatile size_t n = 1;
    // Each result made visible to the compiler (an empty asm that reads it), or it would drop
    // the calls as dead and leave their slots unresolved.
#define KEEP(x) __asm__ volatile("" : : "r"(x) : "memory")
    KEEP(memset(b, 0, n));
    KEEP(memcpy(b, a, n));
    KEEP(memmove(b, a, n));
    KEEP(strlen(a));
    KEEP(memchr(a, 1, n));
    sigset_t set;
    KEEP(sigemptyset(&set));
    KEEP(sigaddset(&set, SIGCHLD));
    KEEP(syscall(SYS_getpid));
    KEEP(unshare(0));
    KEEP(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    KEEP(clone(NULL, NULL, 0, NULL));  // EINVAL before any syscall: no function given
    KEEP(__errno_location());
#undef KEEP
    errno = saved;
}

void cs_forkmarks_lock(void) {
    pthread_mutex_lock(&marks_lock);
    resolve_child_calls();
}
void cs_forkmarks_unlock(void) { pthread_mutex_unlock(&marks_lock); }

enum { PAGE = 4096 };

static uintptr_t down(uintptr_t a) { return a & ~(uintptr_t)(PAGE - 1); }
static uintptr_t up(uintptr_t a) { return (a + PAGE - 1) & ~(uintptr_t)(PAGE - 1); }

void cs_forkmarks_window(const void *at, uintptr_t size, uintptr_t below, uintptr_t *lo, uintptr_t *hi) {
    uintptr_t a = (uintptr_t)at;
    *lo = a > below ? down(a - below) : 0;
    *hi = up(a + size) + PAGE;
}

static void advise(uintptr_t lo, uintptr_t hi, int advice) {
    // ENOMEM for holes in the range is expected (a window reaching past its stack's start):
    // the kernel still applies the advice to every mapping inside it. EINVAL means a mapping
    // that is not private anonymous memory; it keeps being copied, which is the old behaviour.
    if (hi > lo) madvise((void *)lo, hi - lo, advice);
}

static int add_tls(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_TLS)
            *(uintptr_t *)data += info->dlpi_phdr[i].p_memsz + info->dlpi_phdr[i].p_align;
    return 0;
}

/// The calling thread's thread control block and static TLS, which a child cloned from this
/// thread keeps using: glibc's errno is found through the TCB's self-pointer (%fs:0), and a
/// child whose TCB read as zeros would fault on its first failing syscall. On x86_64 the TCB
/// starts at the thread pointer and the static TLS blocks lie below it; for a thread glibc made
/// both sit at the top of its stack mapping, for the main thread in memory of their own.
static void tls_range(uintptr_t *lo, uintptr_t *hi) {
    static uintptr_t tls_size;
    if (!tls_size) {
        uintptr_t sum = 0;
        dl_iterate_phdr(add_tls, &sum);
        // glibc's surplus for libraries loaded later (TLS_STATIC_SURPLUS), generously.
        tls_size = sum + 16 * 1024;
    }
    uintptr_t tp = (uintptr_t)pthread_self();
    *lo = down(tp - tls_size);
    *hi = up(tp + 4 * 1024) + PAGE;  // struct pthread is about 2.3 KiB
}

void cs_forkmarks_keep(uintptr_t keep_lo, uintptr_t keep_hi, const uintptr_t *spans, int nspans) {
    uintptr_t tls_lo, tls_hi;
    tls_range(&tls_lo, &tls_hi);
    advise(tls_lo, tls_hi, MADV_KEEPONFORK);
    advise(keep_lo, keep_hi, MADV_KEEPONFORK);
    for (int i = 0; i < nspans; i++) advise(down(spans[2 * i]), up(spans[2 * i] + spans[2 * i + 1]), MADV_KEEPONFORK);
}

static uintptr_t hex(const char **s, const char *end) {
    uintptr_t v = 0;
    for (; *s < end; (*s)++) {
        char c = **s;
        if (c >= '0' && c <= '9') v = v * 16 + (uintptr_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (uintptr_t)(c - 'a' + 10);
        else break;
    }
    return v;
}

struct mapping {
    uintptr_t lo, hi;
    int writable_private;  // "rw-p"
    int file;              // an inode: file-backed
    char name[2];          // the path's or name's first two characters ("" for none)
};

/// One line of /proc/self/maps: "start-end perms offset dev inode [path]".
static int parse(const char *s, const char *end, struct mapping *m) {
    m->lo = hex(&s, end);
    if (s >= end || *s++ != '-') return 0;
    m->hi = hex(&s, end);
    if (s >= end || *s++ != ' ' || end - s < 5) return 0;
    m->writable_private = s[0] == 'r' && s[1] == 'w' && s[3] == 'p';
    int private = s[3] == 'p';
    s += 5;
    for (int field = 0; field < 2; field++) {  // offset, dev
        while (s < end && *s != ' ') s++;
        while (s < end && *s == ' ') s++;
    }
    m->file = !(s < end && *s == '0' && (s + 1 == end || s[1] == ' '));
    while (s < end && *s != ' ') s++;
    while (s < end && *s == ' ') s++;
    m->name[0] = s < end ? s[0] : '\0';
    m->name[1] = s + 1 < end ? s[1] : '\0';
    return private;
}

/// A private anonymous mapping the child can go without. Not the kernel's own ([vvar],
/// [vdso], [vsyscall]), and not the unnamed one right after a file's writable mapping: that is
/// the binary's or a library's .bss (glibc's and the dynamic loader's state among it: the
/// child's memcpy and syscall wrappers read it), which stays a copy.
static int wipeable(const struct mapping *m, const struct mapping *prev) {
    if (m->file) return 0;
    if (m->name[0] == '[') return m->name[1] != 'v';  // [heap], [stack], [anon:...]
    if (m->name[0] != '\0') return 0;

    return !(prev->file && prev->writable_private && prev->hi == m->lo);
}

int cs_forkmarks_wipe_except(uintptr_t keep_lo, uintptr_t keep_hi, const uintptr_t *spans, int nspans) {
    // Under the lock, so one static buffer serves. Lines are short (a path at most PATH_MAX).
    static char buf[32 * 1024];
    int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        // Nothing wiped this time, but an earlier walk (another thread's spawn) may have marked
        // this thread's stack: what the child needs is kept whatever happens here.
        int e = errno;
        cs_forkmarks_keep(keep_lo, keep_hi, spans, nspans);
        return -e;
    }
    size_t have = 0;
    uintptr_t run_lo = 0, run_hi = 0;  // a run of adjacent mappings to wipe with one call
    struct mapping prev;
    memset(&prev, 0, sizeof prev);
    int eof = 0;
    while (!eof) {
        long n = read(fd, buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            cs_forkmarks_keep(keep_lo, keep_hi, spans, nspans);
            return -e;
        }
        if (n == 0) eof = 1;
        have += (size_t)n;
        char *line = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(line, '\n', (size_t)(end - line));
            if (!nl) break;
            struct mapping m;
            memset(&m, 0, sizeof m);
            // The mapping holding the window (the calling thread's stack) stays whole and a
            // copy: splitting a stack's mapping would gain a few pages.
            if (parse(line, nl, &m) && wipeable(&m, &prev) && (m.hi <= keep_lo || m.lo >= keep_hi)) {
                if (m.lo == run_hi && run_hi) {
                    run_hi = m.hi;
                } else {
                    advise(run_lo, run_hi, MADV_WIPEONFORK);
                    run_lo = m.lo;
                    run_hi = m.hi;
                }
            }
            prev = m;
            line = nl + 1;
        }
        have = (size_t)(end - line);
        if (have == sizeof buf) have = 0;  // a line longer than the buffer: skip it
        memmove(buf, line, have);
    }
    close(fd);
    advise(run_lo, run_hi, MADV_WIPEONFORK);
    // What the child needs, whatever an earlier spawn from another thread marked.
    cs_forkmarks_keep(keep_lo, keep_hi, spans, nspans);
    return 0;
}
