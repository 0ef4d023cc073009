// The parent's half of a warm start: packs the run's part of a plan (struct cs_tail, see
// csandbox.h) and sends it to a prepared sandbox waiting on its tail socket. The child's half,
// which must follow the fork/exec rules, is receive_tail in spawn.c.
#define _GNU_SOURCE
#include "csandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t strings_size(const char *const *v, int n) {
    size_t s = 0;
    for (int i = 0; i < n; i++) s += strlen(v[i]) + 1;
    return s;
}

static int count(const char *const *v) {
    int n = 0;
    if (v) while (v[n]) n++;
    return n;
}

static char *put(char *at, const char *s) {
    size_t n = strlen(s) + 1;
    memcpy(at, s, n);
    return at + n;
}

int cs_tail_send(int sock, const struct cs_plan *p, int stdin_fd) {
    struct cs_tail h;
    memset(&h, 0, sizeof h);
    h.magic = CS_TAIL_MAGIC;
    h.nrlimits = p->nrlimits;
    h.ncandidates = p->ncandidates;
    h.nargv = count((const char *const *)p->argv);
    h.nenvp = count((const char *const *)p->envp);
    h.has_landlock = p->landlock != NULL;
    h.nrules = p->landlock ? p->landlock->nrules : 0;
    h.has_seccomp = p->seccomp != NULL;
    h.nfilter = p->seccomp ? p->seccomp->len : 0;
    h.send_diag = p->send_diag;
    h.listener_by_number = p->listener_by_number;
    h.seccomp_flags = p->seccomp_flags;
    if (p->landlock) {
        h.handled_fs = p->landlock->handled_fs;
        h.handled_net = p->landlock->handled_net;
        h.scoped = p->landlock->scoped;
    }
    size_t bytes = sizeof(struct cs_rlimit) * (size_t)h.nrlimits + sizeof(struct sock_filter) * (size_t)h.nfilter +
                   sizeof(uint64_t) * (size_t)h.nrules + strlen(p->cwd ? p->cwd : "") + 1 +
                   strings_size(p->exec_candidates, h.ncandidates) +
                   strings_size((const char *const *)p->argv, h.nargv) +
                   strings_size((const char *const *)p->envp, h.nenvp);
    for (int i = 0; i < h.nrules; i++) bytes += strlen(p->landlock->rules[i].path) + 1;
    if (bytes > CS_TAIL_MAX) return -E2BIG;
    h.bytes = (uint32_t)bytes;
    // One buffer, header first: it goes with stdin attached, the payload after it on the stream.
    char *buf = malloc(sizeof h + bytes);
    if (!buf) return -ENOMEM;
    memcpy(buf, &h, sizeof h);
    char *at = buf + sizeof h;
    memcpy(at, p->rlimits, sizeof(struct cs_rlimit) * (size_t)h.nrlimits);
    at += sizeof(struct cs_rlimit) * (size_t)h.nrlimits;
    if (h.nfilter) memcpy(at, p->seccomp->filter, sizeof(struct sock_filter) * (size_t)h.nfilter);
    at += sizeof(struct sock_filter) * (size_t)h.nfilter;
    for (int i = 0; i < h.nrules; i++) {
        memcpy(at, &p->landlock->rules[i].access, sizeof(uint64_t));
        at += sizeof(uint64_t);
    }
    at = put(at, p->cwd ? p->cwd : "");
    for (int i = 0; i < h.nrules; i++) at = put(at, p->landlock->rules[i].path);
    for (int i = 0; i < h.ncandidates; i++) at = put(at, p->exec_candidates[i]);
    for (int i = 0; i < h.nargv; i++) at = put(at, p->argv[i]);
    for (int i = 0; i < h.nenvp; i++) at = put(at, p->envp[i]);
    int r = cs_send_with_fds(sock, buf, sizeof h + bytes, &stdin_fd, 1);
    free(buf);
    return r;
}

int cs_send_with_fds(int sock, const void *data, size_t len, const int *fds, int nfds) {
    if (nfds < 0 || nfds > CS_MAX_PASSED || len == 0) return -EINVAL;
    struct iovec iov = {(void *)data, len};
    union { char buf[CMSG_SPACE(sizeof(int) * CS_MAX_PASSED)]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (nfds > 0) {
        msg.msg_control = u.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    ssize_t r;
    do { r = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    size_t off = (size_t)r;
    while (off < len) {
        ssize_t w = send(sock, (const char *)data + off, len - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        off += (size_t)w;
    }
    return 0;
}

long cs_recv_with_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds) {
    *nfds = 0;
    if (maxfds < 0 || maxfds > CS_MAX_PASSED) return -EINVAL;
    struct iovec iov = {buf, len};
    // Room for the sender's credentials too: on a socket with SO_PASSCRED the kernel adds them.
    union {
        char buf[CMSG_SPACE(sizeof(int) * CS_MAX_PASSED) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    ssize_t r;
    do { r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int tmp[CS_MAX_PASSED];
        memcpy(tmp, CMSG_DATA(c), sizeof(int) * (size_t)(got < CS_MAX_PASSED ? got : CS_MAX_PASSED));
        for (int i = 0; i < got && i < CS_MAX_PASSED; i++) {
            // More descriptors than asked for are closed, never left open in this process.
            if (*nfds < maxfds) fds[(*nfds)++] = tmp[i];
            else close(tmp[i]);
        }
    }
    // A truncated control message lost descriptors the kernel then closed: refuse the message.
    if (msg.msg_flags & MSG_CTRUNC) {
        for (int i = 0; i < *nfds; i++) close(fds[i]);
        *nfds = 0;
        return -EPROTO;
    }
    return r;
}

int cs_peer_cred(int sock, int32_t *pid, uint32_t *uid) {
    struct ucred cr;
    socklen_t n = sizeof cr;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &n) < 0) return -errno;
    *pid = cr.pid;
    *uid = cr.uid;
    return 0;
}

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

int cs_peer_pidfd(int sock) {
    int fd = -1;
    socklen_t n = sizeof fd;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &fd, &n) < 0) return -errno;
    // The kernel's pidfd is close-on-exec already (pidfd_prepare with O_CLOEXEC).
    return fd;
}

int cs_pidfd_exited(int pidfd) {
    // A pidfd polls readable once its process has exited (pidfd_open(2)), zombie or reaped.
    struct pollfd p = {pidfd, POLLIN, 0};
    int r;
    do { r = poll(&p, 1, 0); } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    return r > 0 ? 1 : 0;
}

long cs_ioprio_get(int32_t pid) {
    long r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, pid);
    return r < 0 ? -errno : r;
}

int cs_same_file_and_mount(const char *a, const char *b) {
    struct statx x, y;
    if (statx(AT_FDCWD, a, 0, STATX_INO | STATX_MNT_ID, &x) < 0) return -errno;
    if (statx(AT_FDCWD, b, 0, STATX_INO | STATX_MNT_ID, &y) < 0) return -errno;
    // Without a mount id (a kernel before 5.8) the mounts cannot be told apart: not the same.
    if (!(x.stx_mask & y.stx_mask & STATX_MNT_ID)) return 0;
    return x.stx_dev_major == y.stx_dev_major && x.stx_dev_minor == y.stx_dev_minor && x.stx_ino == y.stx_ino &&
           x.stx_mnt_id == y.stx_mnt_id;
}
