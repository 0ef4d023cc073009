// Connecting and sending for a sandboxed process (security issue B.5/B.6). The monitor reads a
// connect's or sendto's address from the process's memory, but the process (another thread, a
// process sharing the page) can change that memory after the read and before the kernel reads
// it again when the call continues: the check would judge one address and the kernel connect to
// another. So an allowed call does not continue in the kernel: cordon takes the process's socket
// (pidfd_getfd, the same open file description), makes the call itself with its own checked
// copy of the address, and answers the notification with the result. A pathname unix socket is
// connected through the O_PATH descriptor cordon checked ("/proc/self/fd/N"), so the file
// cannot be swapped either.
#define _GNU_SOURCE
#include "csandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int cs_pidfd_getfd(int pidfd, int fd) {
    long r = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    return r < 0 ? -errno : (int)r;
}

int cs_socket_in_netns_of(int sock, int pid) {
    // SIOCGSKNS (linux/sockios.h, 0x894C): the socket's network namespace as a descriptor. It
    // needs CAP_NET_ADMIN over that namespace: cordon has it over the sandbox's (its own user
    // namespace's, or as root), not over the host's when it runs as a normal user, where EPERM
    // therefore means "not the sandbox's".
    int ns = ioctl(sock, 0x894C);
    if (ns < 0) return errno == EPERM ? 0 : -errno;
    struct stat a, b;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", pid);
    int r = fstat(ns, &a);
    int saved = errno;
    close(ns);
    if (r < 0) return -saved;
    if (stat(path, &b) < 0) return -errno;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

struct act {
    int listener;
    int own_listener;   // a thread's own duplicate (the loop may close its copy when the run ends)
    uint64_t id;
    int op;
    int await_connect;  // a connect already started without blocking: wait for its end
    int sockfd;
    int flags;
    uint32_t addrlen;
    unsigned char addr[128];
    size_t buflen;
    unsigned char *buf;
    int holdfd;     // the O_PATH descriptor a "/proc/thread-self/fd/N" address names; -1: none
    int as_process; // make the call with the process's ids (uid, gid, groups below)
    uint32_t uid, gid, ngroups;
    uint32_t groups[64];
    // sendmsg (op 2): ancillary data with any SCM_RIGHTS descriptors already cordon's (closed
    // after the call); for one message of a sendmmsg, where its msg_len goes in the process.
    unsigned char *control;
    size_t controllen;
    int passed[253];
    int npassed;
    pid_t pid;
    uint64_t len_addr;
};

static void unbecome(void);

static void act_free(struct act *a) {
    free(a->buf);
    free(a->control);
    free(a);
}

// sendto or sendmsg with the act's own copies of the address, data and ancillary data.
static long act_send(const struct act *a, int flags) {
    if (a->op == 1)
        return sendto(a->sockfd, a->buf, a->buflen, flags | MSG_NOSIGNAL, (const struct sockaddr *)a->addr, a->addrlen);
    struct iovec iov = {a->buf, a->buflen};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = a->addrlen ? (void *)a->addr : NULL;
    m.msg_namelen = a->addrlen;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = a->controllen ? a->control : NULL;
    m.msg_controllen = a->controllen;
    return sendmsg(a->sockfd, &m, flags | MSG_NOSIGNAL);
}

// The end of a connect that was started without blocking (cs_act_for): waited for the way the
// process's blocking connect would, bounded by its SO_SNDTIMEO like the kernel's.
static long act_await(const struct act *a) {
    struct timeval tv = {0, 0};
    socklen_t tl = sizeof tv;
    int ms = -1;
    if (getsockopt(a->sockfd, SOL_SOCKET, SO_SNDTIMEO, &tv, &tl) == 0 && (tv.tv_sec || tv.tv_usec))
        ms = (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    struct pollfd pf = {a->sockfd, POLLOUT, 0};
    int n;
    do { n = poll(&pf, 1, ms); } while (n < 0 && errno == EINTR);
    if (n == 0) { errno = EINPROGRESS; return -1; }
    if (n < 0) return -1;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(a->sockfd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) return -1;
    if (soerr) { errno = soerr; return -1; }
    return 0;
}

// The call itself: connect's result is 0, a send's the bytes sent; -1 and errno on failure.
static long act_call(const struct act *a) {
    if (a->await_connect) return act_await(a);
    if (a->op == 0) return connect(a->sockfd, (const struct sockaddr *)a->addr, a->addrlen);
    return act_send(a, a->flags);
}

// Ends an act, however it went: a sendmmsg's msg_len written back, every descriptor it held
// closed, the notification answered with `r` (or the error `err` when r < 0), the act freed.
// Returns the answer's result.
static int act_finish(struct act *a, long r, int err) {
    // Back to cordon's ids first: only they may write into the process.
    if (a->as_process) unbecome();
    if (r >= 0 && a->len_addr) {
        // sendmmsg: one message sent; its msg_len is what the caller reads back.
        uint32_t len = (uint32_t)r;
        struct iovec local = {&len, sizeof len};
        struct iovec remote = {(void *)(uintptr_t)a->len_addr, sizeof len};
        if (process_vm_writev(a->pid, &local, 1, &remote, 1, 0) == sizeof len) r = 1;
        else { r = -1; err = EFAULT; }
    }
    // EINTR: cordon's call was interrupted, not the process's: ask it to retry, the way the
    // kernel restarts a connect interrupted by a handled signal.
    if (err == EINTR) err = EAGAIN;
    for (int i = 0; i < a->npassed; i++) close(a->passed[i]);
    close(a->sockfd);
    if (a->holdfd >= 0) close(a->holdfd);
    int ans = cs_notif_answer(a->listener, a->id, r < 0 ? 0 : r, r < 0 ? err : 0);
    if (a->own_listener) close(a->listener);
    act_free(a);
    return ans;
}

// A unix peer learns who connected or sent from the caller's credentials (SO_PEERCRED,
// SCM_CREDENTIALS), and the socket file's permissions are checked against them. cordon running
// as root must not lend its own: the thread takes on the process's ids first. The raw syscalls
// change only this thread's credentials (glibc's wrappers would change every thread's).
// The saved ids stay root's so the thread can come back (unbecome) for what only cordon may do
// afterwards: writing a sendmmsg's msg_len into the process.
static int become(const struct act *a) {
    if (syscall(SYS_setgroups, (size_t)a->ngroups, a->groups) < 0) return errno;
    if (syscall(SYS_setresgid, a->gid, a->gid, -1) < 0) return errno;
    if (syscall(SYS_setresuid, a->uid, a->uid, -1) < 0) return errno;
    return 0;
}

static void unbecome(void) {
    syscall(SYS_setresuid, -1, 0, -1);
    syscall(SYS_setresgid, -1, 0, -1);
}

static void *act_thread(void *p) {
    struct act *a = p;
    // Fail closed: never make the call with cordon's own credentials instead.
    int e = a->as_process ? become(a) : 0;
    if (e) {
        act_finish(a, -1, EACCES);
        return NULL;
    }
    long r = act_call(a);
    // The process may be killed meanwhile: the answer then fails with ENOENT, which is fine.
    act_finish(a, r, r < 0 ? errno : 0);
    return NULL;
}

// Copies a sendmsg's ancillary data, replacing the process's descriptors in SCM_RIGHTS with
// cordon's duplicates of them (pidfd_getfd): the numbers mean nothing in cordon's table, and
// passing cordon's own descriptors by those numbers would leak them into the sandbox. Credentials
// (SCM_CREDENTIALS) are refused: the kernel checks them against the sender, and cordon will not
// vouch for ids it does not hold.
static int take_control(struct act *a, const struct cs_act_message *msg) {
    a->pid = msg->pid;
    a->len_addr = msg->len_addr;
    if (!msg->controllen) return 0;
    a->control = malloc(msg->controllen);
    if (!a->control) return ENOMEM;
    memcpy(a->control, msg->control, msg->controllen);
    a->controllen = msg->controllen;
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_control = a->control;
    m.msg_controllen = a->controllen;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_CREDENTIALS) return EPERM;
        if (c->cmsg_type != SCM_RIGHTS) continue;
        // cmsg_len is the process's to write: a header claiming more than the buffer holds
        // would have us read and rewrite descriptors past its end (the kernel says EINVAL).
        size_t room = a->controllen - (size_t)((unsigned char *)c - a->control);
        if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > room) return EINVAL;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *fds = (int *)CMSG_DATA(c);
        for (size_t i = 0; i < n; i++) {
            if (a->npassed >= (int)(sizeof a->passed / sizeof a->passed[0])) return ETOOMANYREFS;
            int mine = cs_pidfd_getfd(msg->pidfd, fds[i]);
            if (mine < 0) return -mine == EPERM ? EBADF : -mine;
            a->passed[a->npassed++] = mine;
            fds[i] = mine;
        }
    }
    return 0;
}

int cs_act_for(int listener, uint64_t id, int op, int sockfd, const void *addr, uint32_t addrlen,
               const void *buf, size_t buflen, int flags, int holdfd, const uint32_t *ids,
               const struct cs_act_message *msg) {
    struct act *a = calloc(1, sizeof *a);
    if (!a) {
        close(sockfd);
        if (holdfd >= 0) close(holdfd);
        return cs_notif_answer(listener, id, 0, ENOMEM);
    }
    a->listener = listener;
    a->id = id;
    a->op = op;
    a->sockfd = sockfd;
    a->flags = flags;
    a->holdfd = holdfd;
    if (addrlen > sizeof a->addr) return act_finish(a, -1, EINVAL);
    a->addrlen = addrlen;
    memcpy(a->addr, addr, addrlen);
    if (buflen) {
        a->buf = malloc(buflen);
        if (!a->buf) return act_finish(a, -1, ENOMEM);
        memcpy(a->buf, buf, buflen);
        a->buflen = buflen;
    }
    if (msg) {
        int e = take_control(a, msg);
        if (e) return act_finish(a, -1, e);
    }
    if (ids) {
        a->as_process = 1;
        a->uid = ids[0];
        a->gid = ids[1];
        a->ngroups = ids[2] > 64 ? 64 : ids[2];
        memcpy(a->groups, ids + 3, a->ngroups * sizeof(uint32_t));
    }
    int fl = fcntl(sockfd, F_GETFL);
    // With the process's ids the call always goes to a thread: the loop's own credentials
    // must never change.
    int nonblocking = !ids && ((fl >= 0 && (fl & O_NONBLOCK)) || (op != 0 && (flags & MSG_DONTWAIT)));
    if (nonblocking) {
        // Returns at once (EINPROGRESS, EAGAIN): the loop may do it itself.
        long r = act_call(a);
        return act_finish(a, r, r < 0 ? errno : 0);
    }
    if (!ids && fl >= 0) {
        // A blocking call mostly finishes at once (loopback, a datagram with room in the
        // buffer): try it without blocking first, and only what would wait goes to a thread.
        if (op == 0) {
            // O_NONBLOCK on the shared open socket for the length of the call, while the
            // process is held in its own connect.
            fcntl(sockfd, F_SETFL, fl | O_NONBLOCK);
            long r = connect(sockfd, (const struct sockaddr *)a->addr, a->addrlen);
            int e = r < 0 ? errno : 0;
            fcntl(sockfd, F_SETFL, fl);
            if (e == EINPROGRESS) {
                // Loopback and local peers finish the handshake within the call's own softirq
                // work: look once, without waiting, before handing it to a thread.
                struct pollfd pf = {sockfd, POLLOUT, 0};
                int soerr = 0;
                socklen_t sl = sizeof soerr;
                if (poll(&pf, 1, 0) == 1 && getsockopt(sockfd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0) {
                    r = soerr ? -1 : 0;
                    e = soerr;
                } else {
                    a->await_connect = 1;
                }
            }
            if (!a->await_connect) return act_finish(a, r, e);
        } else {
            // Sent now or refused now: answer. Would block: send again, blocking, on a thread.
            long r = act_send(a, a->flags | MSG_DONTWAIT);
            if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return act_finish(a, r, r < 0 ? errno : 0);
        }
    }
    // A blocking connect may take the whole SYN timeout, a blocking send to a full unix
    // datagram queue forever: a thread of its own, so the monitor keeps answering the rest of
    // the sandbox (and the run's timeout still ends it).
    int own = fcntl(listener, F_DUPFD_CLOEXEC, 0);
    if (own < 0) return act_finish(a, -1, errno);
    a->listener = own;
    a->own_listener = 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t t;
    int e = pthread_create(&t, &attr, act_thread, a);
    pthread_attr_destroy(&attr);
    if (e != 0) return act_finish(a, -1, EAGAIN);
    return 0;
}

int cs_unix_bound_here(int nl, uint64_t dev, uint64_t ino) {
    struct {
        struct nlmsghdr nlh;
        struct unix_diag_req r;
    } req;
    memset(&req, 0, sizeof req);
    req.nlh.nlmsg_len = sizeof req;
    req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.r.sdiag_family = AF_UNIX;
    req.r.udiag_states = ~0u;
    req.r.udiag_show = UDIAG_SHOW_VFS;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    long s;
    do { s = sendto(nl, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel); } while (s < 0 && errno == EINTR);
    if (s < 0) return -errno;
    // unix_diag_vfs carries the superblock's kernel dev_t (MAJOR << 20 | MINOR), not stat's
    // encoding, and the low 32 bits of the inode number.
    uint32_t want_dev = (uint32_t)((major(dev) << 20) | minor(dev));
    uint32_t want_ino = (uint32_t)ino;
    int found = 0;
    static __thread char buf[32768] __attribute__((aligned(8)));
    for (;;) {
        long n;
        do { n = recv(nl, buf, sizeof buf, 0); } while (n < 0 && errno == EINTR);
        if (n < 0) return -errno;
        if (n == 0) return -EPIPE;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) return found;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error ? e->error : -EPROTO;
            }
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            const struct unix_diag_msg *m = NLMSG_DATA(h);
            long alen = (long)h->nlmsg_len - (long)NLMSG_LENGTH(sizeof *m);
            const struct nlattr *at = (const struct nlattr *)((const char *)m + NLMSG_ALIGN(sizeof *m));
            while (alen >= (long)sizeof *at && at->nla_len >= sizeof *at && at->nla_len <= alen) {
                if ((at->nla_type & NLA_TYPE_MASK) == UNIX_DIAG_VFS && at->nla_len >= NLA_HDRLEN + sizeof(struct unix_diag_vfs)) {
                    const struct unix_diag_vfs *v = (const void *)((const char *)at + NLA_HDRLEN);
                    if (v->udiag_vfs_ino == want_ino && v->udiag_vfs_dev == want_dev) found = 1;
                }
                alen -= NLA_ALIGN(at->nla_len);
                at = (const struct nlattr *)((const char *)at + NLA_ALIGN(at->nla_len));
            }
        }
    }
}
