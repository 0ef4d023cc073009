// The clone -> execve path. Everything below cs_spawn's clone3 runs in a child that shares
// nothing with the Swift runtime but a copy of its memory: raw syscalls only (see csandbox.h).
#define _GNU_SOURCE
#include "csandbox.h"
#include "forkmarks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

// Landlock's ruleset attributes grew after Debian 12's headers (ABI 4 net, ABI 6 scopes). The
// kernel accepts a smaller struct for older ABIs, so the size passed follows what is handled.
struct cs_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};
struct cs_ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

static long sys(long n, long a, long b, long c, long d, long e, long f) {
    return syscall(n, a, b, c, d, e, f);
}
#define SYS0(n) sys(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) sys(n, (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) sys(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) sys(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SYS6(n, a, b, c, d, e, f) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/// Reports a failure on the error pipe and leaves. One write of a fixed record is atomic on a
/// pipe, so the parent never reads half a record.
static void __attribute__((noreturn)) fail(const struct cs_plan *p, int stage, int err, int index) {
    struct cs_error e = {stage, err, index, 0};
    if (p->err_fd >= 0) {
        long r;
        do { r = SYS3(SYS_write, p->err_fd, &e, sizeof e); } while (r < 0 && errno == EINTR);
    }
    SYS1(SYS_exit_group, 127);
    __builtin_unreachable();
}

// CORDON_DEBUG_TIMING's line for a stage of the child: no stdio (the worker shares init's
// memory after a vfork-style clone), just a number formatted here and one write.
// The child's own duplicate of cs_plan.timing_fd (close-on-exec, above stdio: the worker's
// fd 2 becomes the command's stderr). Shared by init and the worker (CLONE_VM).
static int timing = -1;

static void mark(const struct cs_plan *p, const char *what) {
    if (timing < 0) return;
    struct timespec ts;
    SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    uint64_t us = ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - p->timing_origin_ns) / 1000;
    char line[160], digits[24];
    size_t n = 0, d = 0;
    const char *head = "cordon: timing (sandbox): ";
    while (*head && n < 60) line[n++] = *head++;
    while (*what && n < 120) line[n++] = *what++;
    line[n++] = ' ';
    line[n++] = 'a';
    line[n++] = 't';
    line[n++] = ' ';
    do { digits[d++] = (char)('0' + us % 10); us /= 10; } while (us && d < sizeof digits);
    while (d) line[n++] = digits[--d];
    line[n++] = ' ';
    line[n++] = 'u';
    line[n++] = 's';
    line[n++] = '\n';
    SYS3(SYS_write, timing, line, n);
}

static int mount_flags_attr(uint32_t f) {
    int a = 0;
    if (f & CS_F_RDONLY) a |= MOUNT_ATTR_RDONLY;
    if (f & CS_F_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
    if (f & CS_F_NOSUID) a |= MOUNT_ATTR_NOSUID;
    if (f & CS_F_NODEV) a |= MOUNT_ATTR_NODEV;
    return a;
}

/// Applies attributes to a whole mount tree at once. mount(MS_REMOUNT|MS_BIND|MS_RDONLY) is not
/// recursive: a submount under a read-only bind (say /usr/local on its own filesystem) would
/// stay writable, so mount_setattr(AT_RECURSIVE) is the only correct way (Linux >= 5.12).
static int set_attr(const char *target, uint32_t flags) {
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = (uint64_t)mount_flags_attr(flags);
    if (attr.attr_set == 0) return 0;
    return (int)SYS5(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr);
}

static int run_op(const struct cs_op *op) {
    switch (op->kind) {
    case CS_OP_MKDIR:
        if (SYS2(SYS_mkdir, op->target, 0755) < 0 && errno != EEXIST) return -1;
        return 0;
    case CS_OP_MKFILE: {
        long fd = SYS4(SYS_openat, AT_FDCWD, op->target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return errno == EEXIST ? 0 : -1;
        SYS1(SYS_close, fd);
        return 0;
    }
    case CS_OP_BIND:
        if (SYS5(SYS_mount, op->source, op->target, NULL, MS_BIND | MS_REC, NULL) < 0) {
            if ((op->flags & CS_F_OPTIONAL) && errno == ENOENT) return 0;
            return -1;
        }
        return set_attr(op->target, op->flags);
    case CS_OP_TMPFS: {
        unsigned long mf = MS_NOSUID | MS_NODEV;
        if (op->flags & CS_F_NOEXEC) mf |= MS_NOEXEC;
        if (op->flags & CS_F_RDONLY) mf |= MS_RDONLY;
        return (int)SYS5(SYS_mount, "tmpfs", op->target, "tmpfs", mf, op->data);
    }
    case CS_OP_PROC:
        return (int)SYS5(SYS_mount, "proc", op->target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    case CS_OP_DEVPTS:
        return (int)SYS5(SYS_mount, "devpts", op->target, "devpts", MS_NOSUID | MS_NOEXEC,
                         "newinstance,ptmxmode=0666,mode=620");
    case CS_OP_SYMLINK:
        if (SYS2(SYS_symlink, op->source, op->target) < 0 && errno != EEXIST) return -1;
        return 0;
    case CS_OP_ATTACH: {
        // The parent (root on the host) cloned, and possibly idmapped, this tree: only a
        // process privileged over the filesystem's own user namespace may, and the child is
        // not. Moving a detached tree into our mount namespace needs CAP_SYS_ADMIN here only.
        // No path of the host is walked, so a mode-700 parent of the workspace (mktemp -d,
        // /root) does not stand in the way of the unprivileged sandbox uid.
        long r = SYS5(SYS_move_mount, op->fd, "", AT_FDCWD, op->target, MOVE_MOUNT_F_EMPTY_PATH);
        int saved = errno;
        // The command must not inherit a handle on the host's tree.
        SYS1(SYS_close, op->fd);
        if (r < 0) {
            errno = saved;
            return -1;
        }
        return set_attr(op->target, op->flags);
    }
    case CS_OP_SETATTR:
        if (set_attr(op->target, op->flags) < 0) {
            if ((op->flags & CS_F_OPTIONAL) && errno == ENOENT) return 0;
            return -1;
        }
        return 0;
    }
    errno = EINVAL;
    return -1;
}

/// Brings up `lo` in the new network namespace: it starts down, and many programs expect
/// 127.0.0.1 to answer even when the network is cut off.
static int loopback_up(void) {
    long s = SYS3(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    ifr.ifr_flags = IFF_UP | IFF_RUNNING;
    long r = SYS3(SYS_ioctl, s, SIOCSIFFLAGS, &ifr);
    int saved = errno;
    SYS1(SYS_close, s);
    errno = saved;
    return r < 0 ? -1 : 0;
}

/// Adds `addr` (IPv4, network order) to `lo` as a /32 under the label "lo:N": the host's
/// nameserver becomes an address of the sandbox's own namespace, reaching only what is bound
/// there (cordon's DNS socket on port 53; the monitor refuses every other port of it). A /32,
/// not the /8 SIOCSIFADDR would infer for 10.x, so no other address of that network turns local.
static int add_loopback_address(uint32_t addr, int index) {
    long s = SYS3(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    char name[IFNAMSIZ] = "lo:0";
    name[3] = (char)('0' + index % 10);
    memcpy(ifr.ifr_name, name, sizeof name);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
    long r = SYS3(SYS_ioctl, s, SIOCSIFADDR, &ifr);
    if (r == 0) {
        sin->sin_addr.s_addr = 0xffffffffu;
        r = SYS3(SYS_ioctl, s, SIOCSIFNETMASK, &ifr);
    }
    int saved = errno;
    SYS1(SYS_close, s);
    errno = saved;
    return r < 0 ? -1 : 0;
}

/// Sends `n` descriptors (at most CS_MAX_BRIDGE) with one tag byte over a unix socket
/// (SCM_RIGHTS), retrying on EINTR; -1 and errno on failure.
static long send_fds(int sock, const int *fds, int n, char tag) {
    struct iovec iov = {&tag, 1};
    union { char buf[CMSG_SPACE(sizeof(int) * CS_MAX_BRIDGE)]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    long r;
    do { r = SYS3(SYS_sendmsg, sock, &msg, MSG_NOSIGNAL); } while (r < 0 && errno == EINTR);
    return r;
}

/// Opens the proxy's listening sockets on the sandbox's own loopback and hands them to cordon
/// (see cs_plan.bridge_sock). Done here, in the new network namespace but before the mounts and
/// long before the command: binding needs no privilege for these ports, and once the sockets
/// are cordon's, a connection to 127.0.0.1:3128 inside is accepted by the proxy outside while
/// the namespace keeps no other way out. The command cannot take the ports over (they are
/// bound) and never holds the sockets (closed here; init and the worker are cloned later).
static void open_bridge(const struct cs_plan *p) {
    int fds[CS_MAX_BRIDGE];
    int n = p->nbridge < CS_MAX_BRIDGE ? p->nbridge : CS_MAX_BRIDGE;
    for (int i = 0; i < n; i++) {
        long s = SYS3(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) fail(p, CS_STAGE_BRIDGE, errno, i);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons(p->bridge_ports[i]);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (SYS3(SYS_bind, s, &a, sizeof a) < 0) fail(p, CS_STAGE_BRIDGE, errno, i);
        if (SYS2(SYS_listen, s, 128) < 0) fail(p, CS_STAGE_BRIDGE, errno, i);
        fds[i] = (int)s;
    }
    if (p->bridge_dns && n < CS_MAX_BRIDGE) {
        // The sandbox's DNS server, answered by cordon (CordonNet's DNS responder): bound to
        // every address of the namespace, so 127.0.0.1, 127.0.0.53 and the nameservers added
        // to `lo` below all reach it.
        long s = SYS3(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0) fail(p, CS_STAGE_BRIDGE, errno, n);
        int one = 1;
        if (SYS5(SYS_setsockopt, s, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0) fail(p, CS_STAGE_BRIDGE, errno, n);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons(53);
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        if (SYS3(SYS_bind, s, &a, sizeof a) < 0) fail(p, CS_STAGE_BRIDGE, errno, n);
        fds[n++] = (int)s;
        for (int i = 0; i < p->ndns_addrs && i < 8; i++) {
            if (add_loopback_address(p->dns_addrs[i], i) < 0) fail(p, CS_STAGE_BRIDGE, errno, 100 + i);
        }
    }
    if (send_fds(p->bridge_sock, fds, n, 'B') < 0) fail(p, CS_STAGE_BRIDGE, errno, -1);
    for (int i = 0; i < n; i++) SYS1(SYS_close, fds[i]);
    SYS1(SYS_close, p->bridge_sock);
}

/// Mounts a tmpfs on root_base, pivots into it (the host root moves to /oldroot), runs the
/// plan's ops, then pivots into /newroot and detaches everything of the host that is left.
static void build_root(const struct cs_plan *p) {
    // Private propagation first: without it our mounts would propagate back to the host
    // (shared is systemd's default) and the host's later mounts would leak in.
    if (SYS5(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail(p, CS_STAGE_MOUNT_PRIVATE, errno, 0);
    if (SYS5(SYS_mount, "tmpfs", p->root_base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fail(p, CS_STAGE_ROOT_TMPFS, errno, 0);
    if (SYS1(SYS_chdir, p->root_base) < 0) fail(p, CS_STAGE_ROOT_TMPFS, errno, 0);
    if (SYS2(SYS_mkdir, "newroot", 0755) < 0 || SYS2(SYS_mkdir, "oldroot", 0755) < 0)
        fail(p, CS_STAGE_ROOT_TMPFS, errno, 0);
    // The new root must itself be a mount point for the final pivot_root.
    if (SYS5(SYS_mount, "tmpfs", "newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fail(p, CS_STAGE_ROOT_TMPFS, errno, 0);
    if (SYS2(SYS_pivot_root, ".", "oldroot") < 0) fail(p, CS_STAGE_PIVOT_ROOT, errno, 0);
    if (SYS1(SYS_chdir, "/") < 0) fail(p, CS_STAGE_PIVOT_ROOT, errno, 0);

    for (int i = 0; i < p->nops; i++)
        if (run_op(&p->ops[i]) < 0) fail(p, CS_STAGE_MOUNT_OP, errno, i);

    // pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then
    // removes every host mount from this namespace, so nothing outside the plan stays
    // reachable (not even through /proc/self/root of a process that kept an fd).
    if (SYS1(SYS_chdir, "/newroot") < 0) fail(p, CS_STAGE_ENTER_ROOT, errno, 0);
    if (SYS2(SYS_pivot_root, ".", ".") < 0) fail(p, CS_STAGE_ENTER_ROOT, errno, 0);
    if (SYS2(SYS_umount2, ".", MNT_DETACH) < 0) fail(p, CS_STAGE_ENTER_ROOT, errno, 0);
    if (SYS1(SYS_chdir, "/") < 0) fail(p, CS_STAGE_ENTER_ROOT, errno, 0);
    // The tmpfs root itself is read-only: the command may write only where the plan mounted
    // something writable.
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (SYS5(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof attr) < 0) fail(p, CS_STAGE_ENTER_ROOT, errno, 0);
}

static void apply_landlock(const struct cs_plan *p) {
    const struct cs_landlock *ll = p->landlock;
    struct cs_ll_ruleset_attr attr = {ll->handled_fs, ll->handled_net, ll->scoped};
    size_t size = ll->scoped ? sizeof attr : ll->handled_net ? 16 : 8;
    long rs = SYS3(SYS_landlock_create_ruleset, &attr, size, 0);
    if (rs < 0) fail(p, CS_STAGE_LANDLOCK, errno, -1);
    for (int i = 0; i < ll->nrules; i++) {
        long fd = SYS4(SYS_openat, AT_FDCWD, ll->rules[i].path, O_PATH | O_CLOEXEC, 0);
        if (fd < 0) {
            // e.g. /lib32 on a distribution without it, or a path the (unprivileged) worker
            // cannot reach: a rule that cannot be opened would grant nothing it could use, so
            // skipping it only ever means less access.
            if (errno == ENOENT || errno == EACCES) continue;
            fail(p, CS_STAGE_LANDLOCK, errno, i);
        }
        struct cs_ll_path_beneath pb = {ll->rules[i].access & ll->handled_fs, (int32_t)fd};
        // A rule on a non-directory may only carry file rights; the parent sends directory
        // masks, so a file path gets its file subset.
        struct stat st;
        if (SYS2(SYS_fstat, fd, &st) == 0 && !S_ISDIR(st.st_mode))
            pb.allowed_access &= (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                  LANDLOCK_ACCESS_FS_READ_FILE | (1ULL << 14) /* TRUNCATE */ |
                                  (1ULL << 15) /* IOCTL_DEV */);
        if (SYS4(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) fail(p, CS_STAGE_LANDLOCK, errno, i);
        SYS1(SYS_close, fd);
    }
    if (SYS2(SYS_landlock_restrict_self, rs, 0) < 0) fail(p, CS_STAGE_LANDLOCK, errno, -1);
    SYS1(SYS_close, rs);
}

static void change_ids(const struct cs_plan *p) {
    // gid before uid: after setresuid we could no longer change the gid. Supplementary
    // groups go first, or host groups (root's gid 0 when cordon runs as root) would keep
    // granting access to files through read-only binds.
    if (p->drop_groups && SYS2(SYS_setgroups, 0, NULL) < 0) fail(p, CS_STAGE_SETGROUPS, errno, 0);
    if (SYS3(SYS_setresgid, p->gid, p->gid, p->gid) < 0) fail(p, CS_STAGE_SETGID, errno, 0);
    if (SYS3(SYS_setresuid, p->uid, p->uid, p->uid) < 0) fail(p, CS_STAGE_SETUID, errno, 0);
}

/// Everything from resource limits to execve, in DESIGN's order. Never returns.
static void __attribute__((noreturn)) worker(const struct cs_plan *p) {
    if (SYS0(SYS_setsid) < 0 && errno != EPERM) fail(p, CS_STAGE_SETSID, errno, 0);
    for (int i = 0; i < p->nrlimits; i++) {
        struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
        if (SYS2(SYS_setrlimit, p->rlimits[i].resource, &rl) < 0) fail(p, CS_STAGE_RLIMIT, errno, i);
    }
    int fds[3] = {p->stdin_fd, p->stdout_fd, p->stderr_fd};
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0 || fds[i] == i) continue;
        if (SYS3(SYS_dup3, fds[i], i, 0) < 0) fail(p, CS_STAGE_STDIO, errno, i);
    }
    // The command's own pty (PseudoTerminal) as its controlling terminal: /dev/tty is the pty,
    // and Ctrl-C typed at the caller's terminal signals the command's foreground group. The
    // setsid above made this process a session leader without one.
    if (p->ctty && SYS3(SYS_ioctl, 0, TIOCSCTTY, 0) < 0) fail(p, CS_STAGE_STDIO, errno, 3);
    mark(p, "worker: limits, stdio");
    // Close every inherited descriptor but stdio and the error pipe, which is close-on-exec
    // and must stay open until execve succeeds (then the kernel closes it: EOF = success).
    // The notify socket is spared the same way until the listener has been sent, and so is
    // CORDON_DEBUG_TIMING's descriptor (close-on-exec too) when it is on.
    int keep[3] = {p->err_fd, p->notify_sock, timing};
    for (int i = 1; i < 3; i++)
        for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) { int t = keep[j]; keep[j] = keep[j - 1]; keep[j - 1] = t; }
    unsigned from = 3;
    for (int k = 0; k < 3; k++) {
        if (keep[k] < 3 || (unsigned)keep[k] < from) continue;
        if ((unsigned)keep[k] > from && SYS3(SYS_close_range, from, keep[k] - 1, 0) < 0) fail(p, CS_STAGE_CLOSE_RANGE, errno, k);
        from = (unsigned)keep[k] + 1;
    }
    if (SYS3(SYS_close_range, from, ~0U, 0) < 0) fail(p, CS_STAGE_CLOSE_RANGE, errno, 2);

    if (p->change_ids) {
        // Drop the bounding set while we still hold CAP_SETPCAP in the namespace. Init already
        // switched ids (the worker inherits them); doing it again is a no-op kept so the
        // landlock-only path, which has no init, gets the same order.
        for (int c = 0; c <= 63; c++)
            if (SYS5(SYS_prctl, PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) fail(p, CS_STAGE_CAPS, errno, c);
        change_ids(p);
    }
    // No capabilities survive, whatever the uid: a process in a new user namespace holds a full
    // set there, and execve keeps them when the inner uid is 0.
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (SYS2(SYS_capset, &hdr, data) < 0) fail(p, CS_STAGE_CAPS, errno, 64);
    SYS5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    // After the uid change: the kernel clears the parent-death signal on credential changes.
    if (SYS5(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail(p, CS_STAGE_PDEATHSIG, errno, 0);
    if (SYS5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(p, CS_STAGE_NO_NEW_PRIVS, errno, 0);

    // Handlers were never installed in this process image, so only the mask needs resetting.
    uint64_t empty = 0;
    if (SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, 8) < 0) fail(p, CS_STAGE_SIGNALS, errno, 0);
    if (p->cwd && SYS1(SYS_chdir, p->cwd) < 0) fail(p, CS_STAGE_CHDIR, errno, 0);
    // The unix-socket check's view of this network namespace (cs_plan.send_diag), opened and
    // handed over while socket() and sendmsg() are still unfiltered; never exec'd with.
    if (p->seccomp && p->notify_sock >= 0 && p->send_diag) {
        long diag = SYS3(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (diag < 0) fail(p, CS_STAGE_SECCOMP, errno, 2);
        int dfd = (int)diag;
        if (send_fds(p->notify_sock, &dfd, 1, 'D') < 0) fail(p, CS_STAGE_SECCOMP, errno, 3);
        SYS1(SYS_close, diag);
    }
    mark(p, "worker: ids, capabilities, no_new_privs");
    if (p->landlock) apply_landlock(p);
    mark(p, "worker: landlock");
    // Seccomp last: the filter may deny calls the steps above need (mount, setgroups, ...).
    if (p->seccomp) {
        long listener = SYS3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, p->seccomp);
        if (listener < 0) fail(p, CS_STAGE_SECCOMP, errno, 0);
        if (p->notify_sock >= 0) {
            // Tell cordon the listener's number before anything else happens: the very next
            // syscall of interest is our own execve, and it waits for an answer. A plain write,
            // not sendmsg with SCM_RIGHTS: the filter now in force may notify sendmsg (its
            // destination is in memory), and nobody could answer that before cordon holds the
            // listener. cordon takes the descriptor itself with pidfd_getfd, finding this
            // process by the credentials the kernel attaches to the write (SO_PASSCRED on its
            // end). The listener is close-on-exec, so it is open until the execve's notification
            // is answered and the command never holds it (it could answer its own requests).
            int lfd = (int)listener;
            if (p->listener_by_number) {
                long w;
                do { w = SYS3(SYS_write, p->notify_sock, &lfd, sizeof lfd); } while (w < 0 && errno == EINTR);
                if (w != sizeof lfd) fail(p, CS_STAGE_SECCOMP, w < 0 ? errno : EPIPE, 1);
            } else {
                // pidfd_getfd is refused here, and the filter then leaves sendmsg alone.
                if (send_fds(p->notify_sock, &lfd, 1, 'L') < 0) fail(p, CS_STAGE_SECCOMP, errno, 1);
            }
            SYS1(SYS_close, p->notify_sock);
        }
    }
    mark(p, "worker: seccomp, listener sent; execve");
    // Try each candidate like execvp does, remembering the most telling error: EACCES from
    // one candidate beats ENOENT from a later one.
    int best = ENOENT, besti = 0;
    for (int i = 0; i < p->ncandidates; i++) {
        SYS3(SYS_execve, p->exec_candidates[i], p->argv, p->envp);
        int err = errno;
        // ETXTBSY: some process holds the file open for writing. Often only for an instant: a
        // program just written by the caller, whose descriptor a process forked at that moment
        // (any thread of the caller's) still holds until its own exec closes it. Retried for up
        // to a second (Go's os/exec retries too), before it is reported.
        for (int tries = 0; err == ETXTBSY && tries < 200; tries++) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
            SYS3(SYS_execve, p->exec_candidates[i], p->argv, p->envp);
            err = errno;
        }
        if (err != ENOENT && err != ENOTDIR) {
            best = err;
            besti = i;
            if (err != EACCES) break;
        }
    }
    fail(p, CS_STAGE_EXEC, best, besti);
}

static int worker_entry(void *arg) { worker((const struct cs_plan *)arg); }

// The worker runs on this stack while init is suspended by CLONE_VFORK, so one static stack
// serves: init never runs at the same time as the worker's pre-exec code.
static char worker_stack[64 * 1024] __attribute__((aligned(16)));

/// pid 1 of the new pid namespace: starts the worker, reaps everything, reports the worker's
/// wait status, and forwards SIGTERM from outside to the whole namespace. When it exits, the
/// kernel kills every process left in the namespace: nothing outlives the run.
static void __attribute__((noreturn)) init_main(const struct cs_plan *p) {
    mark(p, "init: clone the worker");
    pid_t w = clone(worker_entry, worker_stack + sizeof worker_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)p);
    if (w < 0) fail(p, CS_STAGE_SPAWN_WORKER, errno, 0);
    // The worker has exec'd or failed (it reported that itself). Init keeps no copy of the
    // error pipe, so the parent sees EOF as soon as the command runs.
    SYS1(SYS_close, p->err_fd);
    // From here init needs nothing but its status pipe. It was cloned from cordon without
    // CLONE_FILES and inherited every descriptor cordon had open then: the parent's ends of the
    // run's pipes, the tail socket, and in a warm runner the server's listening warm.sock and
    // the runner's report pipe. Kept, they would live inside the sandbox for the whole run in
    // pid 1, one ptrace or pidfd_getfd away from the command (the filter and the dropped
    // capabilities refuse both today; this does not rely on them), and a listener held there
    // could take other callers' runs, with their stdio and environment. stdio stays: it is the
    // caller's own, which the command has too.
    {
        unsigned s = p->status_fd >= 3 ? (unsigned)p->status_fd : 0;
        if (s > 3) SYS3(SYS_close_range, 3, s - 1, 0);
        SYS3(SYS_close_range, s ? s + 1 : 3, ~0U, 0);
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGWINCH);
    int worker_status = 0, worker_done = 0;
    for (;;) {
        for (;;) {
            int st;
            long r = SYS4(SYS_wait4, -1, &st, WNOHANG | __WALL, NULL);
            if (r <= 0) {
                if (r < 0 && errno == ECHILD && !worker_done) worker_done = 1;  // cannot happen; be safe
                break;
            }
            if (r == w) {
                worker_status = st;
                worker_done = 1;
            }
        }
        if (worker_done) break;
        siginfo_t si;
        long sig = SYS4(SYS_rt_sigtimedwait, &set, &si, NULL, 8);
        if (sig < 0) continue;
        // si_pid is 0 for a signal sent from outside this pid namespace (cordon itself). A
        // process inside must not be able to make init signal every process in the sandbox.
        if (sig == SIGCHLD || si.si_pid != 0) continue;
        if (sig == SIGTERM) {
            // cordon's teardown (timeout, a second Ctrl-C, cordon itself terminated): every
            // process of the namespace, wherever its process group.
            SYS2(SYS_kill, -1, sig);
        } else {
            // A signal the person sent to cordon (Ctrl-C, a hang-up, a window resize, ...):
            // to the command's process group, as a terminal delivers it to its foreground
            // group. The worker called setsid(), so its pid is its group's id. A group left
            // by a daemonising child does not get it, just as on a terminal.
            if (SYS2(SYS_kill, -w, sig) < 0) SYS2(SYS_kill, w, sig);
        }
    }
    if (p->status_fd >= 0) {
        int32_t s = worker_status;
        SYS3(SYS_write, p->status_fd, &s, sizeof s);
    }
    SYS1(SYS_exit_group, 0);
    __builtin_unreachable();
}

/// Reads exactly n bytes from a stream socket; 0, or -1 with errno (EPIPE at EOF).
static long read_full(int fd, char *buf, size_t n) {
    size_t off = 0;
    while (off < n) {
        long r = SYS3(SYS_read, fd, buf + off, n - off);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) {
            errno = EPIPE;
            return -1;
        }
        off += (size_t)r;
    }
    return 0;
}

static char *next_string(char **at, char *end) {
    char *s = *at;
    while (*at < end && **at) (*at)++;
    if (*at >= end) return NULL;
    (*at)++;
    return s;
}

/// A prepared sandbox (cs_plan.tail_sock): waits, root built, for the run's part of the plan
/// (cs_tail_send). The payload and the pointer arrays built over it go in one anonymous
/// mapping: no malloc here. Anything malformed ends the child: the parent sent it, so a bad
/// record means a broken parent, and running half a plan would be worse than not running.
static void receive_tail(struct cs_plan *p) {
    struct cs_tail h;
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct iovec iov = {&h, sizeof h};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    memset(&u, 0, sizeof u);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    long r;
    do { r = SYS3(SYS_recvmsg, p->tail_sock, &msg, MSG_CMSG_CLOEXEC); } while (r < 0 && errno == EINTR);
    // EOF: the parent gave this sandbox up (or died); leave quietly.
    if (r == 0) SYS1(SYS_exit_group, 0);
    if (r < 0) fail(p, CS_STAGE_WARM, errno, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        fail(p, CS_STAGE_WARM, EPROTO, 1);
    int stdin_fd;
    memcpy(&stdin_fd, CMSG_DATA(c), sizeof stdin_fd);
    if ((size_t)r < sizeof h && read_full(p->tail_sock, (char *)&h + r, sizeof h - (size_t)r) < 0)
        fail(p, CS_STAGE_WARM, errno, 2);
    if (h.magic != CS_TAIL_MAGIC || h.bytes > CS_TAIL_MAX || h.nrlimits < 0 || h.ncandidates < 0 || h.nargv < 1 ||
        h.nenvp < 0 || h.nrules < 0 || h.nfilter < 0 || h.nfilter > 65535 || h.nrlimits > 64 || h.nrules > 4096)
        fail(p, CS_STAGE_WARM, EPROTO, 3);
    size_t ptrs = sizeof(char *) * ((size_t)h.ncandidates + (size_t)h.nargv + (size_t)h.nenvp + 3);
    size_t extra = ptrs + sizeof(struct cs_landlock_rule) * (size_t)h.nrules + sizeof(struct cs_landlock) +
                   sizeof(struct sock_fprog) + 64;
    size_t size = ((size_t)h.bytes + 7) / 8 * 8 + extra;
    long m = SYS6(SYS_mmap, 0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == -1) fail(p, CS_STAGE_WARM, errno, 4);
    char *base = (char *)m;
    if (read_full(p->tail_sock, base, h.bytes) < 0) fail(p, CS_STAGE_WARM, errno, 5);
    char *at = base, *end = base + h.bytes;
    size_t fixed = sizeof(struct cs_rlimit) * (size_t)h.nrlimits + sizeof(struct sock_filter) * (size_t)h.nfilter +
                   sizeof(uint64_t) * (size_t)h.nrules;
    if (fixed > h.bytes) fail(p, CS_STAGE_WARM, EPROTO, 6);
    struct cs_rlimit *rl = (struct cs_rlimit *)at;
    at += sizeof(struct cs_rlimit) * (size_t)h.nrlimits;
    struct sock_filter *filter = (struct sock_filter *)at;
    at += sizeof(struct sock_filter) * (size_t)h.nfilter;
    uint64_t *access = (uint64_t *)at;
    at += sizeof(uint64_t) * (size_t)h.nrules;
    char **vec = (char **)(base + ((size_t)h.bytes + 7) / 8 * 8);
    struct cs_landlock_rule *rules = (struct cs_landlock_rule *)(vec + h.ncandidates + h.nargv + h.nenvp + 3);
    struct cs_landlock *ll = (struct cs_landlock *)(rules + h.nrules);
    struct sock_fprog *fprog = (struct sock_fprog *)(ll + 1);
    char *cwd = next_string(&at, end);
    if (!cwd) fail(p, CS_STAGE_WARM, EPROTO, 7);
    for (int i = 0; i < h.nrules; i++) {
        rules[i].path = next_string(&at, end);
        rules[i].access = access[i];
        if (!rules[i].path) fail(p, CS_STAGE_WARM, EPROTO, 8);
    }
    char **cands = vec, **argv = vec + h.ncandidates + 1, **envp = argv + h.nargv + 1;
    for (int i = 0; i < h.ncandidates; i++)
        if (!(cands[i] = next_string(&at, end))) fail(p, CS_STAGE_WARM, EPROTO, 9);
    for (int i = 0; i < h.nargv; i++)
        if (!(argv[i] = next_string(&at, end))) fail(p, CS_STAGE_WARM, EPROTO, 10);
    for (int i = 0; i < h.nenvp; i++)
        if (!(envp[i] = next_string(&at, end))) fail(p, CS_STAGE_WARM, EPROTO, 11);
    cands[h.ncandidates] = NULL;
    argv[h.nargv] = NULL;
    envp[h.nenvp] = NULL;
    p->rlimits = rl;
    p->nrlimits = h.nrlimits;
    p->stdin_fd = stdin_fd;
    p->cwd = cwd[0] ? cwd : NULL;
    p->landlock = NULL;
    if (h.has_landlock) {
        ll->handled_fs = h.handled_fs;
        ll->handled_net = h.handled_net;
        ll->scoped = h.scoped;
        ll->rules = rules;
        ll->nrules = h.nrules;
        p->landlock = ll;
    }
    p->seccomp = NULL;
    if (h.has_seccomp) {
        fprog->len = (unsigned short)h.nfilter;
        fprog->filter = filter;
        p->seccomp = fprog;
    }
    p->seccomp_flags = h.seccomp_flags;
    p->send_diag = h.send_diag;
    p->listener_by_number = h.listener_by_number;
    p->exec_candidates = (const char *const *)cands;
    p->ncandidates = h.ncandidates;
    p->argv = argv;
    p->envp = envp;
    SYS1(SYS_close, p->tail_sock);
    p->tail_sock = -1;
}

static void __attribute__((noreturn)) child_main(const struct cs_plan *p) {
    // cordon's fault handlers (the Swift runtime's crash reporter) would run on memory this
    // child got empty (forkmarks.c) and fault again, forever: a fault here ends the child.
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGSYS};
    struct { unsigned long handler, flags, restorer, mask; } dfl = {0, 0, 0, 0};  // SIG_DFL
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) SYS4(SYS_rt_sigaction, faults[i], &dfl, NULL, 8);
    // glibc's own signals (32: thread cancellation, 33: set*id across threads) are left
    // ignored, not default, in a process posix_spawn started from one that handles them: so a
    // warm runner (started by cordon serve) has them ignored, and an ignored disposition
    // survives execve. The command of a served run started with both ignored (SigIgn in its
    // /proc status: a served run told apart from a direct one, whose cordon handles them and
    // whose command gets them default). Default here, whoever cloned this process.
    SYS4(SYS_rt_sigaction, 32, &dfl, NULL, 8);
    SYS4(SYS_rt_sigaction, 33, &dfl, NULL, 8);
    if (p->timing_fd >= 0) timing = (int)SYS3(SYS_fcntl, p->timing_fd, F_DUPFD_CLOEXEC, 3);
    // Into the run's cgroups before anything else: every process of the sandbox (init, the
    // worker, what the command forks) descends from this one and inherits its groups, and no
    // code of the command runs before execve, far below. The child moves itself, writing "0"
    // to each group's `tasks` file (a single thread): for that write the kernel skips the
    // global cgroup_threadgroup_rwsem (cgroup_procs_write_start: `pid || threadgroup`), whose
    // write lock waits for an RCU grace period, which is what made the parent's write of our
    // pid into cgroup.procs cost 5-19 ms as root. Moving only the calling thread is moving the
    // whole process here: a clone without CLONE_THREAD has exactly one thread. The write is
    // allowed by the credentials the file was opened with (cgroup v1 checks of->file->f_cred,
    // root's), not ours. A failure ends the setup: no run outside its limits.
    for (int i = 0; i < p->ncgroup_fds; i++) {
        long w = SYS3(SYS_write, p->cgroup_fds[i], "0", 1);
        if (w != 1) fail(p, CS_STAGE_CGROUP, w < 0 ? errno : EIO, i);
        SYS1(SYS_close, p->cgroup_fds[i]);
    }
    mark(p, "cgroups joined");
    if (p->sync_fd >= 0) {
        // Our copy of the write end must go, or a dead parent would never give us EOF.
        if (p->sync_write_fd >= 0) SYS1(SYS_close, p->sync_write_fd);
        char c;
        long r;
        do { r = SYS3(SYS_read, p->sync_fd, &c, 1); } while (r < 0 && errno == EINTR);
        // EOF without the byte: the parent died (or gave up) before finishing the id maps.
        if (r != 1) fail(p, CS_STAGE_SYNC, r < 0 ? errno : EPIPE, 0);
    }
    // Switch to the mapped, unprivileged ids before building the root: files and mounts are
    // created as this uid, and an unmapped one (host root's uid 0 when cordon runs as root)
    // makes the kernel refuse with EOVERFLOW. Inner uid 0 is not mapped, so the kernel does
    // not treat this as leaving root and the namespace's capabilities stay for the mounts.
    // Only in a new user namespace: on the host, leaving root here would drop the capability
    // the worker needs to empty its bounding set first.
    mark(p, "released");
    if (p->change_ids && (p->clone_flags & CLONE_NEWUSER)) change_ids(p);
    // Die with cordon. Set after the id change, which clears it; init never changes ids again.
    if (SYS5(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail(p, CS_STAGE_PDEATHSIG, errno, 0);
    if (p->sync_fd >= 0) {
        // The parent may have died before PR_SET_PDEATHSIG took effect. It keeps its end of
        // the sync pipe open for the whole run, so a hang-up now means it is gone.
        struct pollfd pfd = {p->sync_fd, 0, 0};
        if (SYS3(SYS_poll, &pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR))) fail(p, CS_STAGE_SYNC, EPIPE, 1);
        SYS1(SYS_close, p->sync_fd);
    }
    if (p->hostname && SYS2(SYS_sethostname, p->hostname, strlen(p->hostname)) < 0) fail(p, CS_STAGE_HOSTNAME, errno, 0);
    if (p->loopback_up && loopback_up() < 0) fail(p, CS_STAGE_LOOPBACK, errno, 0);
    if (p->bridge_sock >= 0 && p->nbridge > 0) open_bridge(p);
    mark(p, "hostname, loopback, bridge");
    if (p->build_root) build_root(p);
    mark(p, "root built");
    // Prepared ahead of its run: everything above is done; the run's part arrives here. The
    // plan is this process's own copy (clone without CLONE_VM), so filling it in touches
    // nothing of the parent's.
    if (p->tail_sock >= 0) receive_tail((struct cs_plan *)p);
    if (p->use_init) {
        if (SYS0(SYS_setsid) < 0) fail(p, CS_STAGE_SETSID, errno, 0);
        init_main(p);
    }
    worker(p);
}

pid_t cs_spawn(const struct cs_plan *plan, int *pidfd, const uintptr_t *spans, int nspans) {
    // The child runs on this frame's stack and reads its plan from here and from the arena
    // (spans): everything else of cordon's private anonymous memory it gets empty
    // (forkmarks.c). The plan struct is copied into this frame so the window below covers it.
    struct cs_plan copy = *plan;
    uintptr_t lo, hi;
    // 256 KiB below: the child's deepest frames (receive_tail, the bridge's control buffers)
    // use a few KiB; the worker runs on its own static stack.
    cs_forkmarks_window(&copy, sizeof copy, 256 * 1024, &lo, &hi);
    struct clone_args args;
    memset(&args, 0, sizeof args);
    int fd = -1;
    args.flags = copy.clone_flags | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&fd;
    args.exit_signal = SIGCHLD;
    cs_forkmarks_lock();
    // A failure to list the mappings leaves them as they were: the child then gets copies, as
    // after a plain fork, which is slower and still correct.
    cs_forkmarks_wipe_except(lo, hi, spans, nspans);
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0 && errno == ENOSYS) {
        // Docker's default seccomp profile answers clone3 with ENOSYS (it cannot inspect the
        // flags behind a pointer), expecting libc to fall back to clone: so do we. clone
        // takes the flags in a register (the filter can refuse namespace flags there) and
        // returns the pidfd through parent_tid with CLONE_PIDFD. A null stack without CLONE_VM
        // means the child runs on its copy of ours, as after fork.
        fd = -1;
        pid = syscall(SYS_clone, (unsigned long)(copy.clone_flags | CLONE_PIDFD | SIGCHLD), 0L, &fd, 0L, 0L);
    }
    if (pid == 0) child_main(&copy);
    int saved = errno;
    cs_forkmarks_unlock();
    if (pid < 0) return -saved;
    *pidfd = fd;
    return (pid_t)pid;
}
