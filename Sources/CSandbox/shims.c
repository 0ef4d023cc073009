// Syscall shims Swift cannot call directly: syscall(2) is variadic, and the wait-status and
// sigset helpers are macros. Each is a thin wrapper; errors come back as -errno.
#define _GNU_SOURCE
#include "csandbox.h"
#include "forkmarks.h"

#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int cs_pidfd_send_signal(int pidfd, int sig) {
    return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int cs_pidfd_open(pid_t pid) {
    long r = syscall(SYS_pidfd_open, pid, 0);
    return r < 0 ? -errno : (int)r;
}

int cs_pidfd_open_thread(pid_t tid) {
    // PIDFD_THREAD (Linux 6.9) is O_EXCL: a pidfd of one thread, not a thread-group leader.
    long r = syscall(SYS_pidfd_open, tid, O_EXCL);
    return r < 0 ? -errno : (int)r;
}

int cs_wait_pidfd(int pidfd, int *status, void *rusage, int nohang) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    // The raw waitid takes a fifth argument, struct rusage *, which glibc's wrapper hides.
    long r;
    do {
        r = syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED | (nohang ? WNOHANG : 0), rusage);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    if (si.si_pid == 0) return -EAGAIN;  // WNOHANG and still running
    if (si.si_code == CLD_EXITED) *status = (si.si_status & 0xff) << 8;
    else *status = si.si_status & 0x7f;  // killed or dumped: the signal number, as wait(2) encodes it
    return 0;
}

int cs_memfd_create(const char *name) {
    long r = syscall(SYS_memfd_create, name, MFD_CLOEXEC);
    return r < 0 ? -errno : (int)r;
}

int cs_landlock_abi(void) {
    long r = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return r < 0 ? -errno : (int)r;
}

int cs_seccomp_notify_available(void) {
    unsigned action = SECCOMP_RET_USER_NOTIF;
    return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0 ? -errno : 0;
}

int cs_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0; }

int cs_spawn_closefrom(void *file_actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)file_actions, from);
}

int cs_close_range(unsigned first, unsigned last, unsigned flags) {
    return syscall(SYS_close_range, first, last, flags) < 0 ? -errno : 0;
}

int cs_sigfillset_block(void *oldset) {
    sigset_t all;
    sigfillset(&all);
    return pthread_sigmask(SIG_SETMASK, &all, (sigset_t *)oldset) != 0 ? -EINVAL : 0;
}

int cs_sigmask_restore(const void *oldset) {
    return pthread_sigmask(SIG_SETMASK, (const sigset_t *)oldset, NULL) != 0 ? -EINVAL : 0;
}

size_t cs_sigset_size(void) { return sizeof(sigset_t); }

int cs_signalfd_for(const int *sigs, int n) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < n; i++) sigaddset(&set, sigs[i]);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -EINVAL;
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

int cs_signalfd_read(int fd) {
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n != (ssize_t)sizeof si) return n < 0 ? -errno : -EIO;
    return (int)si.ssi_signo;
}

int cs_wstatus_exited(int s) { return WIFEXITED(s); }
int cs_wstatus_code(int s) { return WEXITSTATUS(s); }
int cs_wstatus_signaled(int s) { return WIFSIGNALED(s); }
int cs_wstatus_signal(int s) { return WTERMSIG(s); }

// The probes fork a throwaway child so the calling process keeps its own namespaces and no
// filter: a probe must never change the process that asks. Not glibc's fork(): its handlers in
// the child walk malloc's arenas and the thread list, which a sandbox's spawn marks to be
// wiped in children (forkmarks.c). A raw clone instead, under the marks' lock, keeping this
// frame's stack window and `spans` (what `arg` points to); the child only makes syscalls.
static int probe_child(int (*fn)(const void *), const void *arg, const uintptr_t *spans, int nspans) {
    int here = 0;
    uintptr_t lo, hi;
    cs_forkmarks_window(&here, sizeof here, 64 * 1024, &lo, &hi);
    cs_forkmarks_lock();
    cs_forkmarks_keep(lo, hi, spans, nspans);
    long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        int r = fn(arg);
        syscall(SYS_exit_group, r < 0 ? -r : 0);
    }
    int saved = errno;
    cs_forkmarks_unlock();
    if (pid < 0) return -saved;
    int st;
    while (waitpid((pid_t)pid, &st, 0) < 0)
        if (errno != EINTR) return -errno;
    if (!WIFEXITED(st)) return -ECHILD;
    return -WEXITSTATUS(st);
}

static int do_unshare(const void *arg) {
    uint64_t flags = *(const uint64_t *)arg;
    return unshare((int)flags) < 0 ? -errno : 0;
}

int cs_probe_unshare(uint64_t flags) {
    uintptr_t spans[2] = {(uintptr_t)&flags, sizeof flags};
    return probe_child(do_unshare, &flags, spans, 1);
}

static int do_seccomp(const void *arg) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, arg) < 0) return -errno;
    return syscall(SYS_getpid) > 0 ? 0 : -EINVAL;
}

int cs_probe_seccomp(const struct sock_fprog *prog) {
    uintptr_t spans[4] = {(uintptr_t)prog, sizeof *prog, (uintptr_t)prog->filter, sizeof(struct sock_filter) * prog->len};
    return probe_child(do_seccomp, prog, spans, 2);
}

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

int cs_open_tree_clone(const char *path) {
    // AT_SYMLINK_NOFOLLOW: the path was resolved by the caller; a symlink swapped in since
    // then is refused (ELOOP-free: the link itself would be cloned, which is not a directory).
    long fd = syscall(SYS_open_tree, AT_FDCWD, path,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
    return fd < 0 ? -errno : (int)fd;
}

static int write_all(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    return n < 0 ? -e : 0;
}

/// The idmapping namespace's only process: waits for EOF on the pipe, then leaves. Raw
/// syscalls only: it shares cordon's memory (below) and must touch none of it.
static int idmap_holder(void *arg) {
    int *p = (int *)arg;
    char c;
    syscall(SYS_close, p[1]);
    syscall(SYS_read, p[0], &c, 1);
    syscall(SYS_exit_group, 0);
    return 0;
}

int cs_idmap_userns(uint32_t inner_uid, uint32_t outer_uid, uint32_t inner_gid, uint32_t outer_gid, uint32_t aside_gid,
                    uint32_t aside_outer) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return -errno;
    // A child in a fresh user namespace that only waits for EOF; its maps are written from
    // here (root may map any host id), its namespace kept as an fd, then it is let go. With
    // CLONE_VM, on a stack in this frame: a child with a copy of cordon's address space would
    // cost a page-table copy of the whole (multithreaded) process and copy-on-write faults in
    // both afterwards, on the path of every `cordon run` as root, for a child that runs three
    // syscalls. Sharing is safe here because the child runs only idmap_holder, with every
    // signal blocked (no handler of cordon's can run on its stack), and never returns into
    // cordon's code; its file table is its own (no CLONE_FILES), so closing the write end
    // there leaves ours open until we close it.
    static const size_t stack_size = 16 * 1024;
    char stack[16 * 1024] __attribute__((aligned(16)));
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pid = clone(idmap_holder, stack + stack_size, CLONE_VM | CLONE_NEWUSER | SIGCHLD, p);
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -clone_errno;
    }
    close(p[0]);
    char path[64], text[64];
    int r = 0;
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    snprintf(text, sizeof text, "%u %u 1\n", inner_uid, outer_uid);
    r = write_all(path, text);
    if (r == 0) {
        snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
        // One write: a map can be written once. Extents may come in any order.
        if (aside_gid != UINT32_MAX)
            snprintf(text, sizeof text, "%u %u 1\n%u %u 1\n", inner_gid, outer_gid, aside_gid, aside_outer);
        else
            snprintf(text, sizeof text, "%u %u 1\n", inner_gid, outer_gid);
        r = write_all(path, text);
    }
    int fd = -1;
    if (r == 0) {
        snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) r = -errno;
    }
    close(p[1]);
    // The child must be gone before this frame (its stack) is.
    while (waitpid((pid_t)pid, NULL, __WALL) < 0 && errno == EINTR) {}
    return r < 0 ? r : fd;
}

int cs_mount_idmap(int tree_fd, int userns_fd) {
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = (uint64_t)userns_fd;
    if (syscall(SYS_mount_setattr, tree_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) return -errno;
    return 0;
}

// Everything under the directory open at dfd (which this takes over and closes), walked by
// descriptor, never by path. A private HOME is owned by the sandbox's uid, and cordon removes it
// as root: a path walk (nftw) re-resolves "home/sub/file" at each unlink, so a process of that
// uid that swapped "sub" for a symbolic link to /etc between the walk's look and its unlink
// would have had root delete /etc's files. Here each directory is opened relative to its
// parent's descriptor with O_NOFOLLOW, and entries are unlinked relative to the descriptor of
// the directory they were read from: a link is only ever unlinked itself, never followed.
// Deeper than 256 levels is left in place (each level holds a descriptor).
static int remove_contents(int dfd, int depth) {
    DIR *d = fdopendir(dfd);
    if (!d) {
        int e = errno;
        close(dfd);
        return -e;
    }
    int rc = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        const char *name = ent->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..")) continue;
        if (unlinkat(dirfd(d), name, 0) == 0 || errno == ENOENT) continue;
        // Linux answers unlink of a directory with EISDIR (POSIX allows EPERM).
        if (errno != EISDIR && errno != EPERM) {
            if (!rc) rc = -errno;
            continue;
        }
        if (depth >= 256) {
            if (!rc) rc = -ELOOP;
            continue;
        }
        int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
            if (!rc) rc = -errno;
            continue;
        }
        int r = remove_contents(sub, depth + 1);
        if (r < 0 && !rc) rc = r;
        if (unlinkat(dirfd(d), name, AT_REMOVEDIR) < 0 && errno != ENOENT && !rc) rc = -errno;
    }
    closedir(d);
    return rc;
}

int cs_remove_tree(const char *path) {
    // The top, opened without following a link: a link there is removed as a link.
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        if (errno == ENOTDIR || errno == ELOOP) return unlink(path) < 0 ? -errno : 0;
        return -errno;
    }
    int r = remove_contents(fd, 0);
    // By path, but rmdir never follows a final link, and /tmp's sticky bit keeps others from
    // swapping this entry.
    if (rmdir(path) < 0 && errno != ENOENT && r == 0) r = -errno;
    return r;
}

// ---- seccomp user notification ----------------------------------------------------------

#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <netinet/in.h>

static struct seccomp_notif_sizes notif_sizes;
static char notif_buf[4096] __attribute__((aligned(16)));
static char resp_buf[4096] __attribute__((aligned(16)));

int cs_notif_init(void) {
    if (notif_sizes.seccomp_notif) return 0;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &notif_sizes) < 0) return -errno;
    if (notif_sizes.seccomp_notif > sizeof notif_buf || notif_sizes.seccomp_notif_resp > sizeof resp_buf) return -E2BIG;
    return 0;
}

int cs_notif_recv(int listener, struct cs_notif *out) {
    int init = cs_notif_init();
    if (init < 0) return init;
    // The kernel rejects a request buffer that is not zeroed (EINVAL), and a stale one would
    // leak the previous notification's fields into this one.
    memset(notif_buf, 0, notif_sizes.seccomp_notif);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, notif_buf) < 0) return -errno;
    const struct seccomp_notif *n = (const struct seccomp_notif *)notif_buf;
    out->id = n->id;
    out->pid = n->pid;
    out->nr = n->data.nr;
    out->arch = n->data.arch;
    out->ip = n->data.instruction_pointer;
    for (int i = 0; i < 6; i++) out->args[i] = n->data.args[i];
    return 0;
}

int cs_notif_respond(int listener, uint64_t id, int err, int cont) {
    int init = cs_notif_init();
    if (init < 0) return init;
    memset(resp_buf, 0, notif_sizes.seccomp_notif_resp);
    struct seccomp_notif_resp *r = (struct seccomp_notif_resp *)resp_buf;
    r->id = id;
    if (cont) r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else r->error = -err;
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, r) < 0 ? -errno : 0;
}

int cs_notif_answer(int listener, uint64_t id, int64_t val, int err) {
    // Called from cs_act_for's threads too: its own buffer, never resp_buf. notif_sizes is
    // only written by cs_notif_init, which the loop's first receive ran before any such thread.
    int init = cs_notif_init();
    if (init < 0) return init;
    char buf[4096] __attribute__((aligned(16)));
    memset(buf, 0, notif_sizes.seccomp_notif_resp);
    struct seccomp_notif_resp *r = (struct seccomp_notif_resp *)buf;
    r->id = id;
    r->val = val;
    r->error = err ? -err : 0;
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, r) < 0 ? -errno : 0;
}

// Linux 6.6+ (not in Debian 12's headers): SECCOMP_IOCTL_NOTIF_SET_FLAGS with
// SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP makes the kernel wake the supervisor on the notifying
// task's CPU (WF_CURRENT_CPU), and the task on the supervisor's CPU when it is answered. The
// two never run at once (the task sleeps until answered), so the pair takes turns on one CPU
// instead of crossing to the other with an inter-processor interrupt each way, which is slow in
// a VM. It changes only where each side is scheduled, nothing that is answered.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int cs_notif_sync_wakeup(int listener) {
    unsigned long flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) < 0 ? -errno : 0;
}

int cs_notif_id_valid(int listener, uint64_t id) {
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0 ? -errno : 0;
}

int cs_notif_addfd(int listener, uint64_t id, int srcfd, int target, int cloexec) {
    struct seccomp_notif_addfd a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.flags = SECCOMP_ADDFD_FLAG_SETFD;
    a.srcfd = (uint32_t)srcfd;
    a.newfd = (uint32_t)target;
    a.newfd_flags = cloexec ? O_CLOEXEC : 0;
    int r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
    return r < 0 ? -errno : r;
}

int cs_dgram_recv(int fd, void *buf, size_t len, uint32_t *from_addr, uint16_t *from_port, uint32_t *to_addr) {
    struct sockaddr_in from;
    memset(&from, 0, sizeof from);
    struct iovec iov = {buf, len};
    union { char b[CMSG_SPACE(sizeof(struct in_pktinfo))]; struct cmsghdr align; } u;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.b;
    msg.msg_controllen = sizeof u.b;
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) return -errno;
    *from_addr = from.sin_addr.s_addr;
    *from_port = from.sin_port;
    *to_addr = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            *to_addr = pi.ipi_addr.s_addr;
        }
    }
    if (msg.msg_flags & MSG_TRUNC) return -EMSGSIZE;
    return (int)n;
}

int cs_dgram_send(int fd, const void *buf, size_t len, uint32_t to_addr, uint16_t to_port, uint32_t src) {
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = to_addr;
    to.sin_port = to_port;
    struct iovec iov = {(void *)buf, len};
    union { char b[CMSG_SPACE(sizeof(struct in_pktinfo))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &to;
    msg.msg_namelen = sizeof to;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (src != 0) {
        msg.msg_control = u.b;
        msg.msg_controllen = sizeof u.b;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_spec_dst.s_addr = src;
        memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
    return sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int cs_recv_fd(int sock) {
    int fd;
    int r = cs_recv_fds(sock, &fd, 1);
    return r < 0 ? r : fd;
}

long cs_splice(int in, int out, size_t len) {
    ssize_t n = splice(in, NULL, out, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    return n < 0 ? -errno : n;
}

int cs_pipe_relay(int fds[2], int size) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) return -errno;
    int got = fcntl(fds[0], F_SETPIPE_SZ, size);
    if (got < 0) got = fcntl(fds[0], F_GETPIPE_SZ);
    return got < 0 ? 65536 : got;
}

int cs_accept_cloexec(int fd) {
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    return c < 0 ? -errno : c;
}

int cs_recv_listener(int sock, int *number, int32_t *pid) {
    struct iovec iov = {number, sizeof *number};
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } u;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_WAITALL | MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    if (n == 0) return -EPIPE;
    if (n != (ssize_t)sizeof *number) return -EPROTO;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(c), sizeof cr);
            *pid = cr.pid;
            return 0;
        }
    }
    return -EBADMSG;
}

int cs_recv_fds(int sock, int *fds, int n) {
    if (n <= 0 || n > CS_MAX_BRIDGE) return -EINVAL;
    char tag;
    int got[CS_MAX_PASSED];
    int ngot = 0;
    long r = cs_recv_with_fds(sock, &tag, 1, got, CS_MAX_PASSED, &ngot);
    if (r < 0) return (int)r;
    if (r == 0) return -EPIPE;
    if (ngot == 0) return -EBADMSG;
    if (ngot != n) {
        for (int i = 0; i < ngot; i++) close(got[i]);
        return -EPROTO;
    }
    memcpy(fds, got, sizeof(int) * (size_t)n);
    return n;
}

long cs_read_mem(pid_t pid, uint64_t addr, void *buf, size_t len) {
    struct iovec local = {buf, len};
    struct iovec remote = {(void *)(uintptr_t)addr, len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return n < 0 ? -errno : n;
}

int cs_socketpair_cloexec(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0 ? -errno : 0;
}

int cs_stream_pair_cloexec(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0 ? -errno : 0;
}

#include <linux/openat2.h>

// openat2 with RESOLVE_IN_ROOT/BENEATH fails with EAGAIN when any mount or rename happens
// anywhere on the system during the lookup (it cannot prove the walk stayed inside). Other
// sandboxes mounting is enough, so retry as openat2(2) says. Immediate retries lose against a
// burst of mounts (another sandbox being set up does dozens): 64 of them in a row failed
// once in 10,000 execs while other tests ran, and the exec was refused with EAGAIN. So after
// the quick retries, back off (yield, then sleep up to 1 ms) for at most about two seconds;
// a still persistent EAGAIN is returned and the exec is refused (fail closed).
static long openat2_retry(int dirfd, const char *path, struct open_how *how) {
    long fd = -1;
    long slept_ns = 0;
    for (int attempt = 0; ; attempt++) {
        fd = syscall(SYS_openat2, dirfd, path, how, sizeof *how);
        if (fd >= 0 || errno != EAGAIN) break;
        if (attempt < 64) continue;
        if (attempt < 128) { sched_yield(); continue; }
        long ns = 20000L << ((attempt - 128) < 6 ? (attempt - 128) : 6);  // 20 us .. 1.28 ms
        if (slept_ns + ns > 2000000000L) { errno = EAGAIN; break; }
        struct timespec ts = { 0, ns };
        nanosleep(&ts, NULL);
        slept_ns += ns;
    }
    return fd;
}

int cs_open_exec_target(pid_t pid, int rootfd, int dirfd, const char *path, int empty_path) {
    char base[64];
    if (empty_path && path[0] == 0) {
        snprintf(base, sizeof base, "/proc/%d/fd/%d", pid, dirfd);
        int fd = open(base, O_PATH | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
    }
    int absolute = path[0] == '/';
    if (absolute && rootfd >= 0) {
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = O_PATH | O_CLOEXEC;
        how.resolve = RESOLVE_IN_ROOT;
        long fd = openat2_retry(rootfd, path + 1, &how);
        return fd < 0 ? -errno : (int)fd;
    }
    if (absolute) snprintf(base, sizeof base, "/proc/%d/root", pid);
    else if (dirfd == AT_FDCWD) snprintf(base, sizeof base, "/proc/%d/cwd", pid);
    else snprintf(base, sizeof base, "/proc/%d/fd/%d", pid, dirfd);
    int bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (bfd < 0) return -errno;
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = absolute ? RESOLVE_IN_ROOT : RESOLVE_NO_MAGICLINKS;
    long fd = openat2_retry(bfd, absolute ? path + 1 : path, &how);
    int err = errno;
    close(bfd);
    return fd < 0 ? -err : (int)fd;
}

int cs_tgkill(pid_t tgid, pid_t tid, int sig) {
    return syscall(SYS_tgkill, tgid, tid, sig) < 0 ? -errno : 0;
}

// ---- /proc on the monitor's hot path ------------------------------------------------------

static long read_small_at(int dirfd, const char *path, char *buf, size_t cap) {
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n;
    do { n = read(fd, buf, cap - 1); } while (n < 0 && errno == EINTR);
    int err = errno;
    close(fd);
    if (n < 0) return -err;
    buf[n] = 0;
    return n;
}

static long read_small(const char *path, char *buf, size_t cap) {
    return read_small_at(AT_FDCWD, path, buf, cap);
}

static int parse_stat(char *buf, char *state, int32_t *ppid, int32_t *threads);

int cs_proc_stat(pid_t pid, char *state, int32_t *ppid, int32_t *threads) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    long n = read_small(path, buf, sizeof buf);
    if (n < 0) return (int)n;
    return parse_stat(buf, state, ppid, threads);
}

static int parse_stat(char *buf, char *state, int32_t *ppid, int32_t *threads) {
    // The name (field 2) is in parentheses and may contain anything: parse after the last ')'.
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ') return -EINVAL;
    p += 2;
    *state = *p;
    // Fields after the state: ppid is field 4, num_threads field 20.
    int field = 3;
    long value = 0;
    for (char *q = p; *q; q++) {
        if (*q == ' ') {
            field++;
            if (field == 4) *ppid = (int32_t)strtol(q + 1, NULL, 10);
            if (field == 20) { value = strtol(q + 1, NULL, 10); *threads = (int32_t)value; return 0; }
        }
    }
    return -EINVAL;
}

// The image pid now runs, for the check of an allowed exec at its stop: the device and inode
// of /proc/PID/exe, and /proc/PID/cmdline read into buf (up to cap bytes, to its end). Returns
// the cmdline's length, or -errno. One C call instead of building paths and strings per exec.
long cs_exec_image(pid_t pid, uint64_t *dev, uint64_t *ino, char *buf, size_t cap) {
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    if (stat(path, &st) < 0) return -errno;
    *dev = (uint64_t)st.st_dev;
    *ino = (uint64_t)st.st_ino;
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t len = 0;
    for (;;) {
        if (len == cap) break;
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { int e = errno; close(fd); return -e; }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    return (long)len;
}

// 1 when pid is cordon's own child, else 0. waitid with WNOWAIT and WNOHANG reports nothing
// and changes nothing: it fails with ECHILD for any process that is not our child (nor our
// tracee: call it before attaching). Cheaper than reading the parent from /proc.
int cs_is_child(pid_t pid) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 ? 1 : 0;
}

// Exec verification through ptrace (security issue A.2). The monitor reads an exec's path and
// argv from memory that other processes may share (a MAP_SHARED page written by a forked
// process, a CLONE_VM sibling, /proc/PID/mem), so what it judged may not be what the kernel
// later reads. Instead of trying to find every such writer, cordon checks the result: it
// attaches to the exec'ing task before letting the exec continue, and PTRACE_O_TRACEEXEC stops
// the new image inside execve, before its first instruction, where /proc/PID/exe and cmdline
// show what the kernel really loaded. A ptrace stop, unlike a SIGSTOP, is reported to the
// tracer only: a job-control shell waiting for the process never sees it stop.
int cs_exec_watch_seize(pid_t tid) {
    // EXITKILL: if cordon dies while attached, the kernel kills the tracee rather than leaving
    // an unverified program to run.
    return ptrace(PTRACE_SEIZE, tid, 0, (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ? -errno : 0;
}

int cs_exec_watch_interrupt(pid_t tid) {
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
        int e = errno;
        cs_exec_watch_end(tid, 1);
        return -e;
    }
    return 0;
}

int cs_exec_watch_begin(pid_t tid) {
    int r = cs_exec_watch_seize(tid);
    if (r < 0) return r;
    // The interrupt is a trap taken on the way back to user mode: it stops the task when execve
    // fails (there is no exec event then), so the wait below always ends. The task waits in the
    // seccomp notification killably (WAIT_KILLABLE_RECV), so the wake-up does not abort it.
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
        // INTERRUPT fails on a seized task only when it is already dead (its signal handlers
        // released). It is still ours as tracer: release it as a dead tracee (below), or its
        // parent could never reap it.
        int e = errno;
        cs_exec_watch_end(tid, 1);
        return -e;
    }
    return 0;
}

int cs_exec_watch_wait(pid_t tid, pid_t tgid, pid_t *stopped) {
    pid_t who = tid;
    for (;;) {
        int st = 0;
        pid_t r = waitpid(who, &st, __WALL);
        if (r < 0) {
            if (errno == EINTR) continue;
            // A thread that is not the leader takes the leader's pid when its exec succeeds;
            // the exec stop is then reported under that pid.
            if (errno == ECHILD && who != tgid) { who = tgid; continue; }
            return -errno;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) return -ESRCH;  // reaped as tracer: its parent is told now
        if (!WIFSTOPPED(st)) continue;
        *stopped = who;
        int event = st >> 16;
        if (event == PTRACE_EVENT_EXEC) return 1;
        if (event == PTRACE_EVENT_STOP) return 0;  // back from a failed execve, in the old image
        // A signal-delivery stop cannot come before the trap, but if one does, deliver it.
        ptrace(PTRACE_CONT, who, 0, (void *)(long)WSTOPSIG(st));
    }
}

void cs_exec_watch_end(pid_t pid, int kill_it) {
    // Detaching resumes it and drops the pending interrupt trap.
    if (!kill_it && ptrace(PTRACE_DETACH, pid, 0, 0) == 0) return;
    // Killing it, or the detach failed. PTRACE_DETACH needs the tracee in a ptrace-stop, and
    // only SIGKILL takes a task out of one behind the tracer's back (the sandbox's init dying
    // SIGKILLs its whole pid namespace, the OOM killer, the run's teardown): it fails with ESRCH
    // then and cordon stays the tracer. A traced task that dies is reported to its tracer first
    // and stays a zombie its real parent cannot reap until the tracer waits for it; the
    // sandbox's init, exiting, waits in the kernel for every process of its namespace, so the
    // run would never end (seen: a shell hitting limits.processes while a child's exec was
    // being checked). So: make sure it dies (it is dying already, or asked to be killed) and reap
    // its report here, which hands it to its parent.
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR) {}
}


int cs_openpt(int *slave) {
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return -errno;
    char name[64];
    if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof name) != 0) {
        int e = errno;
        close(m);
        return -e;
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        int e = errno;
        close(m);
        return -e;
    }
    *slave = s;
    return m;
}

int cs_probe_pidfd_getfd(void) {
    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (pidfd < 0) return -errno;
    int fd = (int)syscall(SYS_pidfd_getfd, pidfd, pidfd, 0);
    int e = errno;
    close(pidfd);
    if (fd < 0) return -e;
    close(fd);
    return 0;
}
