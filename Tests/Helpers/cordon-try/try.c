// cordon-try ACTION [ARGS]: attempts exactly one thing and reports what the kernel said, as
// "ACTION: ok" or "ACTION: errno=NAME (text)", exiting with the errno (0 on success). The
// escape suite runs it inside the sandbox, so a test reads "was it really tried, and how did it
// fail" from one line instead of guessing from a shell's message.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/un.h>
#include "try.h"

static const char *errname(int e) {
    switch (e) {
    case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EACCES: return "EACCES";
    case EROFS: return "EROFS"; case ENOSYS: return "ENOSYS"; case EINVAL: return "EINVAL";
    case ENETUNREACH: return "ENETUNREACH"; case ECONNREFUSED: return "ECONNREFUSED";
    case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM"; case ENOTTY: return "ENOTTY";
    case ESRCH: return "ESRCH"; case EBADF: return "EBADF"; case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV"; case EOPNOTSUPP: return "EOPNOTSUPP"; case EFBIG: return "EFBIG";
    case EMFILE: return "EMFILE"; case EIO: return "EIO";
    case EAFNOSUPPORT: return "EAFNOSUPPORT"; case EINPROGRESS: return "EINPROGRESS";
    case ETIMEDOUT: return "ETIMEDOUT"; case ENODEV: return "ENODEV";
    case ENOKEY: return "ENOKEY"; case EBUSY: return "EBUSY";
    default: return "E?";
    }
}

int report(const char *what, long r) {
    int e = r < 0 ? errno : 0;
    if (e == 0) printf("%s: ok\n", what);
    else printf("%s: errno=%s (%s)\n", what, errname(e), strerror(e));
    fflush(stdout);
    return e;
}

// The connect race (security issue B.5): a thread flips the port of the sockaddr that connect()
// reads between an allowed and a forbidden one. `connect-race N IP ALLOWED FORBIDDEN` makes N
// blocking connects and prints which port each really reached (getpeername).
static struct sockaddr_in cr_addr;
static volatile int cr_go;
static uint16_t cr_a, cr_b;
static void *cr_flip(void *unused) {
    (void)unused;
    while (cr_go) {
        cr_addr.sin_port = cr_b;
        cr_addr.sin_port = cr_a;
    }
    return NULL;
}
static int connect_race(int n, const char *ip, int allowed, int forbidden) {
    int ok_allowed = 0, ok_forbidden = 0, refused = 0;
    cr_a = htons(allowed);
    cr_b = htons(forbidden);
    for (int i = 0; i < n; i++) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        memset(&cr_addr, 0, sizeof cr_addr);
        cr_addr.sin_family = AF_INET;
        inet_pton(AF_INET, ip, &cr_addr.sin_addr);
        cr_addr.sin_port = cr_a;
        cr_go = 1;
        pthread_t t;
        pthread_create(&t, NULL, cr_flip, NULL);
        int r = connect(s, (struct sockaddr *)&cr_addr, sizeof cr_addr);
        cr_go = 0;
        pthread_join(t, NULL);
        struct sockaddr_in peer;
        socklen_t pl = sizeof peer;
        if (r == 0 && getpeername(s, (struct sockaddr *)&peer, &pl) == 0) {
            if (peer.sin_port == cr_b) ok_forbidden++;
            else ok_allowed++;
        } else {
            refused++;
        }
        close(s);
    }
    printf("connect-race: attempts=%d allowed-reached=%d refused=%d forbidden-reached=%d\n", n, ok_allowed, refused,
           ok_forbidden);
    return 0;
}

// Unix sockets (security issue B.6). `unix-connect PATH`, `unix-sendto PATH` (a datagram),
// `unix-own PATH` (bind and listen at PATH, then connect to it: a socket of the sandbox's own).
static int unix_addr(struct sockaddr_un *sa, const char *path) {
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    strncpy(sa->sun_path, path, sizeof sa->sun_path - 1);
    return (int)(offsetof(struct sockaddr_un, sun_path) + strlen(sa->sun_path) + 1);
}
static int unix_try(const char *what, const char *path) {
    struct sockaddr_un sa;
    int len = unix_addr(&sa, path);
    if (!strcmp(what, "unix-own")) {
        int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        unlink(path);
        if (bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 4) < 0) return report("unix-own: bind", -1);
    }
    if (!strcmp(what, "unix-sendto")) {
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        return report(what, sendto(s, "ping", 4, 0, (struct sockaddr *)&sa, len));
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    long r = connect(s, (struct sockaddr *)&sa, len);
    if (r == 0 && write(s, "ping", 4) != 4) r = -1;
    return report(what, r);
}

// `unix-peer PATH`: a server of the sandbox's own at PATH, and a client process connecting to it;
// the server checks that SO_PEERCRED names its own uid and gid (the connecting process's), as a
// server like ssh-agent does before it answers.
static int unix_peer(const char *path) {
    struct sockaddr_un sa;
    int len = unix_addr(&sa, path);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 4) < 0) return report("unix-peer: bind", -1);
    pid_t c = fork();
    if (c == 0) {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        _exit(connect(s, (struct sockaddr *)&sa, len) == 0 ? 0 : 1);
    }
    int a = accept(l, NULL, NULL);
    struct ucred cr;
    socklen_t cl = sizeof cr;
    if (a < 0 || getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) return report("unix-peer", -1);
    waitpid(c, NULL, 0);
    if (cr.uid != getuid() || cr.gid != getgid()) {
        printf("unix-peer: peer uid=%u gid=%u, mine uid=%u gid=%u\n", cr.uid, cr.gid, getuid(), getgid());
        return 1;
    }
    return report("unix-peer", 0);
}

// sendmsg with a destination in its header (security issue B.5/B.6): `sendmsg-udp IP PORT`,
// `sendmsg-unix PATH` (a datagram), `sendmsg-rights` (a descriptor passed over a datagram
// socketpair arrives and works), `sendmmsg-pair` (two datagrams through sendmmsg, all of them
// sent whatever count a call returns, each msg_len right).
static int send_msg(const char *what, int s, struct sockaddr *to, socklen_t tolen) {
    char data[] = "ping";
    struct iovec iov = {data, 4};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = to;
    m.msg_namelen = tolen;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    return report(what, sendmsg(s, &m, 0));
}
static int messages(const char *what, int argc, char **argv) {
    if (!strcmp(what, "sendmsg-udp") && argc > 3) {
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[3]))};
        inet_pton(AF_INET, argv[2], &sa.sin_addr);
        return send_msg(what, s, (struct sockaddr *)&sa, sizeof sa);
    }
    if (!strcmp(what, "sendmsg-unix") && argc > 2) {
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa;
        int len = unix_addr(&sa, argv[2]);
        return send_msg(what, s, (struct sockaddr *)&sa, len);
    }
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) < 0) return report(what, -1);
    if (!strcmp(what, "sendmsg-rights")) {
        int p[2];
        if (pipe(p) < 0 || write(p[1], "fdok", 4) != 4) return report(what, -1);
        char data = 'x';
        struct iovec iov = {&data, 1};
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
        memset(&u, 0, sizeof u);
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &p[0], sizeof(int));
        if (sendmsg(sp[0], &m, 0) != 1) return report(what, -1);
        close(p[0]);
        memset(&u, 0, sizeof u);
        m.msg_controllen = sizeof u.buf;
        if (recvmsg(sp[1], &m, 0) != 1) return report(what, -1);
        c = CMSG_FIRSTHDR(&m);
        if (!c || c->cmsg_type != SCM_RIGHTS) { errno = EBADF; return report(what, -1); }
        int got;
        memcpy(&got, CMSG_DATA(c), sizeof got);
        char b[5] = {0};
        if (read(got, b, 4) != 4 || strcmp(b, "fdok")) { errno = EIO; return report(what, -1); }
        return report(what, 0);
    }
    // A header whose cmsg_len claims far more than the control buffer holds: the kernel says
    // EINVAL, and so must cordon, which copies and rewrites SCM_RIGHTS for the process.
    if (!strcmp(what, "sendmsg-badcmsg")) {
        char data = 'x';
        struct iovec iov = {&data, 1};
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
        memset(&u, 0, sizeof u);
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = 60000;
        return report(what, sendmsg(sp[0], &m, 0));
    }
    if (!strcmp(what, "sendmmsg-pair")) {
        char a[] = "first", b[] = "second-one";
        struct iovec iv[2] = {{a, 5}, {b, 10}};
        struct mmsghdr mm[2];
        memset(mm, 0, sizeof mm);
        for (int i = 0; i < 2; i++) { mm[i].msg_hdr.msg_iov = &iv[i]; mm[i].msg_hdr.msg_iovlen = 1; }
        int done = 0;
        while (done < 2) {
            int r = sendmmsg(sp[0], mm + done, 2 - done, 0);
            if (r <= 0) return report(what, -1);
            for (int i = done; i < done + r; i++)
                if (mm[i].msg_len != iv[i].iov_len) { errno = EIO; printf("msg_len %u\n", mm[i].msg_len); return report(what, -1); }
            done += r;
        }
        char buf[32];
        if (recv(sp[1], buf, sizeof buf, 0) != 5 || recv(sp[1], buf, sizeof buf, 0) != 10) return report(what, -1);
        return report(what, 0);
    }
    fprintf(stderr, "usage: cordon-try %s ...\n", what);
    return 64;
}

// The unix race: a thread flips sun_path between a socket of the sandbox's own (bound here
// first) and PATH. `unix-race N OWN PATH` prints how many connects reached the other socket:
// the own one is never accepted, so a connection that a peer accepted and answered is PATH's.
static struct sockaddr_un ur_addr;
static const char *ur_a, *ur_b;
static volatile int ur_go;
static void *ur_flip(void *unused) {
    (void)unused;
    size_t la = strlen(ur_a) + 1, lb = strlen(ur_b) + 1;
    while (ur_go) {
        memcpy(ur_addr.sun_path, ur_b, lb);
        memcpy(ur_addr.sun_path, ur_a, la);
    }
    return NULL;
}
static int unix_race(int n, const char *own, const char *other) {
    struct sockaddr_un sa;
    int len = unix_addr(&sa, own);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(own);
    if (bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 4096) < 0) return report("unix-race: bind", -1);
    ur_a = own;
    ur_b = other;
    int reached = 0, own_n = 0, refused = 0;
    for (int i = 0; i < n; i++) {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        unix_addr(&ur_addr, own);
        ur_go = 1;
        pthread_t t;
        pthread_create(&t, NULL, ur_flip, NULL);
        int r = connect(s, (struct sockaddr *)&ur_addr, sizeof ur_addr);
        ur_go = 0;
        pthread_join(t, NULL);
        if (r < 0) {
            refused++;
        } else {
            // Drain our own listener's queue so it never fills; PATH's peer answers "pong".
            int c = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c >= 0) { own_n++; close(c); }
            else {
                char b[8] = {0};
                struct timeval tv = {1, 0};
                setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                if (write(s, "ping", 4) == 4 && read(s, b, 4) > 0) reached++;
                else own_n++;
            }
        }
        close(s);
    }
    printf("unix-race: attempts=%d own=%d refused=%d other-reached=%d\n", n, own_n, refused, reached);
    return 0;
}

// The exec race: one thread flips a shared path (and argv[0]) between an allowed program and a
// forbidden one while the main thread execs it, so the monitor reads one and the kernel might
// run the other. `race N ALLOWED FORBIDDEN` forks N attempts and prints how each ended.
static char race_path[256];
static const char *race_a, *race_b;
static volatile int race_go;

static void *flipper(void *arg) {
    (void)arg;
    size_t la = strlen(race_a) + 1, lb = strlen(race_b) + 1;
    while (race_go) {
        memcpy(race_path, race_b, lb);
        memcpy(race_path, race_a, la);
    }
    return NULL;
}

static int race(int n, const char *allowed, const char *forbidden) {
    int ran_allowed = 0, refused = 0, killed = 0, other = 0;
    race_a = allowed;
    race_b = forbidden;
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) {
            memcpy(race_path, allowed, strlen(allowed) + 1);
            race_go = 1;
            pthread_t t;
            pthread_create(&t, NULL, flipper, NULL);
            char *av[] = {race_path, NULL};
            char *ev[] = {NULL};
            execve(race_path, av, ev);
            _exit(100);  // the exec was refused
        }
        int st;
        waitpid(p, &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ran_allowed++;
        else if (WIFEXITED(st) && WEXITSTATUS(st) == 100) refused++;
        else if (WIFSIGNALED(st)) killed++;
        else other++;  // the forbidden program ran (it exits 42)
    }
    printf("race: attempts=%d allowed-ran=%d refused=%d killed=%d forbidden-ran=%d\n", n, ran_allowed, refused, killed, other);
    return other == 0 ? 0 : 1;
}

// Writers the monitor does not look for (security issue A.2): the exec's path and argv[0] sit in
// memory another process rewrites. `race-shared`: a MAP_SHARED page flipped by a forked
// process. `race-vm`: a CLONE_VM sibling flips it while the exec'ing process's parent is
// blocked in vfork. `race-mem`: the parent writes the child's memory through /proc/PID/mem.
static volatile int *race_stop;

static void flip_forever(char *where) {
    size_t la = strlen(race_a) + 1, lb = strlen(race_b) + 1;
    while (!*race_stop) {
        memcpy(where, race_b, lb);
        memcpy(where, race_a, la);
    }
}

static int vm_flipper(void *arg) {
    flip_forever((char *)arg);
    return 0;
}

static int tally(int n, int *counts) {
    printf("race: attempts=%d allowed-ran=%d refused=%d killed=%d forbidden-ran=%d\n", n, counts[0], counts[1],
           counts[2], counts[3]);
    fflush(stdout);
    return counts[3] == 0 ? 0 : 1;
}

static void count(int st, int *counts) {
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) counts[0]++;
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 100) counts[1]++;
    else if (WIFSIGNALED(st)) counts[2]++;
    else counts[3]++;  // the forbidden program ran (it exits 42)
}

static int race_writers(const char *mode, int n, const char *allowed, const char *forbidden) {
    race_a = allowed;
    race_b = forbidden;
    int counts[4] = {0, 0, 0, 0};
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return report("mmap", -1);
    race_stop = (volatile int *)(page + 4096);
    char *ev[] = {NULL};
    for (int i = 0; i < n; i++) {
        memcpy(page, allowed, strlen(allowed) + 1);
        *race_stop = 0;
        if (!strcmp(mode, "race-shared")) {
            pid_t w = fork();
            if (w == 0) { flip_forever(page); _exit(0); }
            pid_t e = fork();
            if (e == 0) {
                char *av[] = {page, NULL};
                execve(page, av, ev);
                _exit(100);
            }
            int st;
            waitpid(e, &st, 0);
            count(st, counts);
            *race_stop = 1;
            waitpid(w, NULL, 0);
        } else if (!strcmp(mode, "race-vm")) {
            // P: a CLONE_VM sibling flips P's memory, then P vforks a child that execs from it.
            pid_t p = fork();
            if (p == 0) {
                static char path[256];
                memcpy(path, allowed, strlen(allowed) + 1);
                static char stack[65536];
                pid_t w = clone(vm_flipper, stack + sizeof stack, CLONE_VM | SIGCHLD, path);
                if (w < 0) _exit(101);
                pid_t c = vfork();
                if (c == 0) {
                    char *av[] = {path, NULL};
                    execve(path, av, ev);
                    _exit(100);
                }
                int st;
                waitpid(c, &st, 0);
                *race_stop = 1;
                waitpid(w, NULL, __WALL);
                if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
                _exit(99);  // killed: passed on as "killed" below
            }
            int st;
            waitpid(p, &st, 0);
            if (WIFEXITED(st) && WEXITSTATUS(st) == 99) counts[2]++;
            else count(st, counts);
        } else {  // race-mem
            static char path[256];
            memcpy(path, allowed, strlen(allowed) + 1);
            pid_t e = fork();
            if (e == 0) {
                while (!*race_stop) {}  // until the writer has the child's memory open
                char *av[] = {path, NULL};
                execve(path, av, ev);
                _exit(100);
            }
            char mem[64];
            snprintf(mem, sizeof mem, "/proc/%d/mem", e);
            int fd = open(mem, O_RDWR);
            *race_stop = 1;
            size_t la = strlen(allowed) + 1, lb = strlen(forbidden) + 1;
            int st;
            while (fd >= 0 && waitpid(e, &st, WNOHANG) == 0) {
                pwrite(fd, forbidden, lb, (off_t)(uintptr_t)path);
                pwrite(fd, allowed, la, (off_t)(uintptr_t)path);
            }
            if (fd < 0) { waitpid(e, &st, 0); printf("race-mem: open %s: %s\n", mem, strerror(errno)); }
            else close(fd);
            count(st, counts);
        }
    }
    return tally(n, counts);
}

// `memfd-exec PROG ARGV0 [ARG...]`: copies PROG into an anonymous memory file and runs it from
// there under the argv[0] it likes (memfd_create + fexecve), the way fileless malware does.
static int memfd_exec(char **argv) {
    int src = open(argv[0], O_RDONLY | O_CLOEXEC);
    if (src < 0) return report("memfd-exec: open", -1);
    int m = memfd_create("x", MFD_CLOEXEC);
    if (m < 0) return report("memfd-exec: memfd_create", -1);
    char buf[65536];
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0) {
        if (write(m, buf, (size_t)n) != n) return report("memfd-exec: write", -1);
    }
    char *ev[] = {NULL};
    fexecve(m, argv + 1, ev);
    return report("memfd-exec", -1);
}

/// `cordon-try no-userns CMD [ARG...]`: runs CMD under the filter Docker's default seccomp
/// profile applies to a container without CAP_SYS_ADMIN: clone3 fails with ENOSYS (so libc
/// falls back to clone), and unshare or clone with any namespace flag fail with EPERM. The
/// way tests put cordon where user namespaces are refused.
static int no_userns(char **cmd) {
    const unsigned ns = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
                        CLONE_NEWCGROUP;
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, ns, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof f / sizeof f[0], f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
        perror("cordon-try no-userns: seccomp");
        return 125;
    }
    execvp(cmd[0], cmd);
    perror("cordon-try no-userns: exec");
    return 127;
}

/// Run on the host, not in a sandbox: become the tracer of PID (PTRACE_SEIZE, retried for up to
/// 4 s while cordon's exec check holds it), say so, and never wait for it: end this with
/// SIGKILL, which detaches. A traced process that is killed becomes a zombie reported to its
/// tracer first: while this lives, a pid namespace holding it cannot end.
static int trace_hold(pid_t pid) {
    int ok = -1;
    for (int i = 0; i < 200 && ok != 0; i++) {
        ok = (int)ptrace(PTRACE_SEIZE, pid, NULL, NULL);
        if (ok != 0) usleep(20000);
    }
    if (ok != 0) return report("trace-hold", -1);
    printf("trace-hold: ok\n");
    fflush(stdout);
    for (;;) pause();
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: cordon-try ACTION [ARGS]\n"); return 64; }
    if (!strcmp(argv[1], "trace-hold") && argc > 2) return trace_hold((pid_t)atoi(argv[2]));
    const char *a = argv[1];
    const char *arg = argc > 2 ? argv[2] : NULL;
    if (!strcmp(a, "no-userns") && argc > 2) return no_userns(argv + 2);
    if (!strcmp(a, "memfd-exec") && argc > 3) return memfd_exec(argv + 2);
    if (!strcmp(a, "connect-race") && argc > 5) return connect_race(atoi(argv[2]), argv[3], atoi(argv[4]), atoi(argv[5]));
    if (!strncmp(a, "sendmsg-", 8) || !strcmp(a, "sendmmsg-pair")) return messages(a, argc, argv);
    if (!strcmp(a, "unix-peer") && argc > 2) return unix_peer(argv[2]);
    if (!strcmp(a, "unix-race") && argc > 4) return unix_race(atoi(argv[2]), argv[3], argv[4]);
    if ((!strcmp(a, "unix-connect") || !strcmp(a, "unix-sendto") || !strcmp(a, "unix-own")) && argc > 2)
        return unix_try(a, argv[2]);
    if (!strcmp(a, "race") && argc > 4) return race(atoi(argv[2]), argv[3], argv[4]);
    if ((!strcmp(a, "race-shared") || !strcmp(a, "race-vm") || !strcmp(a, "race-mem")) && argc > 4)
        return race_writers(a, atoi(argv[2]), argv[3], argv[4]);
    // The program's very first act is an exec whose argv comes from a file (one argument a
    // line), so the gate sees only `cordon-try exec-file F` before the run.
    if (!strcmp(a, "exec-file")) {
        static char buf[4096];
        char *av[64];
        int fd = open(arg, O_RDONLY);
        if (fd < 0) return report(a, -1);
        long n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) return report(a, -1);
        buf[n] = 0;
        int ac = 0;
        for (char *t = strtok(buf, "\n"); t && ac < 63; t = strtok(NULL, "\n")) av[ac++] = t;
        av[ac] = NULL;
        execv(av[0], av);
        return report(a, -1);
    }
    if (!strcmp(a, "execveat")) {
        // exec through an fd, the way fexecve does: the monitor must resolve the fd.
        int fd = open(arg, O_PATH | O_CLOEXEC);
        char *av[] = {(char *)arg, NULL};
        char *ev[] = {NULL};
        syscall(SYS_execveat, fd, "", av, ev, AT_EMPTY_PATH);
        return report(a, -1);
    }
    int done = kernel_attempt(a, argc, argv);
    if (done != KERNEL_ATTEMPT_UNKNOWN) return done;
    if (!strcmp(a, "ptrace")) return report(a, ptrace(PTRACE_ATTACH, arg ? atoi(arg) : 1, 0, 0));
    if (!strcmp(a, "mount")) return report(a, mount("tmpfs", "/tmp", "tmpfs", 0, NULL));
    if (!strcmp(a, "umount")) return report(a, umount2(arg ? arg : "/usr", MNT_DETACH));
    if (!strcmp(a, "unshare")) return report(a, unshare(CLONE_NEWUSER));
    if (!strcmp(a, "setns")) {
        int fd = open("/proc/self/ns/net", O_RDONLY);
        return report(a, setns(fd, 0));
    }
    if (!strcmp(a, "clone-newuser")) {
        long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (r == 0) _exit(0);
        if (r > 0) waitpid((pid_t)r, NULL, 0);
        return report(a, r < 0 ? -1 : 0);
    }
    if (!strcmp(a, "clone3")) {
        char buf[88] = {0};
        long r = syscall(SYS_clone3, buf, sizeof buf);
        if (r == 0) _exit(0);
        return report(a, r < 0 ? -1 : 0);
    }
    if (!strcmp(a, "kexec_load")) return report(a, syscall(SYS_kexec_load, 0, 0, 0, 0));
    if (!strcmp(a, "bpf")) return report(a, syscall(SYS_bpf, 0, 0, 0));
    if (!strcmp(a, "keyctl")) return report(a, syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    if (!strcmp(a, "perf_event_open")) {
        struct perf_event_attr pa;
        memset(&pa, 0, sizeof pa);
        pa.size = sizeof pa;
        pa.type = PERF_TYPE_SOFTWARE;
        pa.config = PERF_COUNT_SW_CPU_CLOCK;
        return report(a, syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0));
    }
    if (!strcmp(a, "io_uring_setup")) {
        char params[120] = {0};
        return report(a, syscall(SYS_io_uring_setup, 4, params));
    }
    if (!strcmp(a, "tiocsti")) {
        // Upper bits set on purpose: the kernel ignores them, so must the filter.
        char c = 'x';
        int fd = arg ? open(arg, O_RDWR) : 0;
        return report(a, syscall(SYS_ioctl, fd, 0xdead00000000UL | TIOCSTI, &c));
    }
    if (!strcmp(a, "read")) {
        int fd = open(arg, O_RDONLY);
        if (fd < 0) return report(a, -1);
        char b[64];
        return report(a, read(fd, b, sizeof b));
    }
    if (!strcmp(a, "list")) {
        int fd = open(arg, O_RDONLY | O_DIRECTORY);
        if (fd < 0) return report(a, -1);
        char b[4096];
        long n = syscall(SYS_getdents64, fd, b, sizeof b);
        if (n < 0) return report(a, -1);
        // Count entries other than . and ..: a hidden directory must look empty.
        int count = 0;
        for (long off = 0; off < n;) {
            unsigned short reclen = *(unsigned short *)(b + off + 16);
            const char *name = b + off + 19;
            if (strcmp(name, ".") && strcmp(name, "..")) count++;
            off += reclen;
        }
        printf("%s: ok entries=%d\n", a, count);
        return 0;
    }
    if (!strcmp(a, "write")) {
        int fd = open(arg, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0) return report(a, -1);
        return report(a, write(fd, "x\n", 2));
    }
    // Set-id files left behind for the host: each way of setting S_ISUID/S_ISGID on a file in
    // the workspace. The file is made first (0755) so only the mode change can fail.
    if (!strncmp(a, "setid-", 6)) {
        const char *how = a + 6;
        if (strcmp(how, "open") && strcmp(how, "openat") && strcmp(how, "creat")) {
            int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0755);
            if (fd < 0) return report(a, -1);
            if (!strcmp(how, "fchmod")) return report(a, fchmod(fd, 04755));
            close(fd);
        }
        if (!strcmp(how, "chmod")) return report(a, chmod(arg, 04755));
        if (!strcmp(how, "chmod-gid")) return report(a, chmod(arg, 02755));
        if (!strcmp(how, "fchmodat")) return report(a, fchmodat(AT_FDCWD, arg, 04755, 0));
        if (!strcmp(how, "fchmodat2")) return report(a, syscall(452, AT_FDCWD, arg, 04755, 0));
        if (!strcmp(how, "open")) return report(a, syscall(SYS_open, arg, O_WRONLY | O_CREAT, 04755));
        if (!strcmp(how, "openat")) return report(a, openat(AT_FDCWD, arg, O_WRONLY | O_CREAT, 04755));
        if (!strcmp(how, "creat")) return report(a, creat(arg, 02755));
        if (!strcmp(how, "mknod")) return report(a, mknod(arg, S_IFREG | 04755, 0));
        return report(a, -1);
    }
    // openat2 keeps its flags in memory: refused with ENOSYS so callers fall back to openat.
    if (!strcmp(a, "openat2")) {
        struct { unsigned long long flags, mode, resolve; } how = {O_WRONLY | O_CREAT, 04755, 0};
        return report(a, syscall(437, AT_FDCWD, arg ? arg : "openat2-file", &how, sizeof how));
    }
    if (!strcmp(a, "truncate")) return report(a, truncate(arg, 0));
    if (!strcmp(a, "unlink")) return report(a, unlink(arg));
    if (!strcmp(a, "rename")) return report(a, rename(arg, argc > 3 ? argv[3] : "/tmp/renamed"));
    if (!strcmp(a, "mknod")) return report(a, mknod(arg ? arg : "/tmp/blk", S_IFBLK | 0600, makedev(8, 0)));
    if (!strcmp(a, "rawsock")) return report(a, socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    // A blocking connect bounded by SO_SNDTIMEO (one second), timed: "connect-timeout: errno=E?
    // ... after N ms" (EINPROGRESS when the peer never answered in time).
    if (!strcmp(a, "connect-timeout")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct timeval tv = {1, 0};
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(argc > 3 ? atoi(argv[3]) : 80)};
        inet_pton(AF_INET, arg ? arg : "127.0.0.1", &sa.sin_addr);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int r = connect(s, (struct sockaddr *)&sa, sizeof sa);
        int e = errno;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (r == 0) printf("connect-timeout: ok after %ld ms\n", ms);
        else printf("connect-timeout: errno=%d after %ld ms\n", e, ms);
        return 0;
    }
    if (!strcmp(a, "connect")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(argc > 3 ? atoi(argv[3]) : 80)};
        inet_pton(AF_INET, arg ? arg : "127.0.0.1", &sa.sin_addr);
        return report(a, connect(s, (struct sockaddr *)&sa, sizeof sa));
    }
    // TCP Fast Open: the SYN goes out from sendto, with no connect() for the monitor to see.
    if (!strcmp(a, "fastopen")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(argc > 3 ? atoi(argv[3]) : 80)};
        inet_pton(AF_INET, arg ? arg : "127.0.0.1", &sa.sin_addr);
        return report(a, sendto(s, "x", 1, 0x20000000 /* MSG_FASTOPEN */, (struct sockaddr *)&sa, sizeof sa));
    }
    if (!strcmp(a, "kill")) return report(a, kill(atoi(arg), SIGKILL));
    if (!strcmp(a, "forkbomb")) {
        // Fork until the kernel says no, then report that errno. Children just wait; they die
        // with the sandbox's pid namespace when this process exits.
        for (int i = 0; i < 100000; i++) {
            pid_t p = fork();
            if (p == 0) { pause(); _exit(0); }
            if (p < 0) { printf("forked %d\n", i); return report(a, -1); }
        }
        printf("forkbomb: ok (not stopped)\n");
        return 0;
    }
    if (!strcmp(a, "membomb")) {
        size_t total = 0;
        for (;;) {
            size_t chunk = 64UL << 20;
            char *p = malloc(chunk);
            if (!p) { printf("allocated %zu MiB\n", total >> 20); errno = ENOMEM; return report(a, -1); }
            memset(p, 1, chunk);
            total += chunk;
            if (total > (64UL << 30)) { printf("membomb: ok (not stopped)\n"); return 0; }
        }
    }
    fprintf(stderr, "cordon-try: unknown action %s\n", a);
    return 64;
}
