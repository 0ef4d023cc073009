// cordon-try's attempts on kernel interfaces around the sandbox's walls: socket families the
// network namespace does not confine (AF_VSOCK reaches the hypervisor's host), the mount and
// handle calls of the deny list, other architectures' syscall entries, another process's memory,
// and the host's own loopback and abstract unix sockets (mode: landlock shares the host's network).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/vm_sockets.h>
#include "try.h"

static int inet_addr_of(const char *ip, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    inet_pton(AF_INET, ip, &in->sin_addr);
    return sizeof *in;
}

int kernel_attempt(const char *a, int argc, char **argv) {
    const char *arg = argc > 2 ? argv[2] : NULL;
    // `socket-family N`: any socket of family N (the types tried in turn); the upper 32 bits of
    // the register are set too, which the kernel ignores (socket's family is an int).
    if (!strcmp(a, "socket-family") && arg) {
        long fam = atol(arg) | (1L << 32);
        int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW};
        long r = -1;
        int first = 0;
        for (int i = 0; i < 4 && r < 0; i++) {
            r = syscall(SYS_socket, fam, types[i], 0);
            if (r < 0 && !first) first = errno;
        }
        if (r < 0) errno = first;
        return report(a, r);
    }
    if (!strcmp(a, "socketpair-family") && arg) {
        int sv[2];
        return report(a, socketpair(atoi(arg), SOCK_STREAM, 0, sv));
    }
    // `vsock-connect CID PORT`: a stream connect over virtio-vsock (no network namespace applies).
    if (!strcmp(a, "vsock-connect") && argc > 3) {
        int s = socket(AF_VSOCK, SOCK_STREAM, 0);
        if (s < 0) return report(a, -1);
        struct sockaddr_vm v = {.svm_family = AF_VSOCK, .svm_cid = atoi(argv[2]), .svm_port = atoi(argv[3])};
        return report(a, connect(s, (struct sockaddr *)&v, sizeof v));
    }
    if (!strcmp(a, "open_by_handle_at")) {
        char h[136] = {0};
        ((unsigned *)h)[0] = 8;
        return report(a, syscall(SYS_open_by_handle_at, AT_FDCWD, h, O_RDONLY));
    }
    if (!strcmp(a, "name_to_handle_at")) {
        char h[136] = {0};
        int mount_id;
        ((unsigned *)h)[0] = 128;
        return report(a, syscall(SYS_name_to_handle_at, AT_FDCWD, "/etc/passwd", h, &mount_id, 0));
    }
    if (!strcmp(a, "fsopen")) return report(a, syscall(SYS_fsopen, "tmpfs", 0));
    if (!strcmp(a, "open_tree")) return report(a, syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */));
    if (!strcmp(a, "move_mount"))
        return report(a, syscall(SYS_move_mount, AT_FDCWD, "/tmp", AT_FDCWD, "/usr", 0));
    if (!strcmp(a, "mount_setattr")) {
        unsigned long long attr[4] = {0, 1 /* MOUNT_ATTR_RDONLY */, 0, 0};
        return report(a, syscall(SYS_mount_setattr, AT_FDCWD, "/usr", 0, attr, sizeof attr));
    }
    if (!strcmp(a, "pivot_root")) return report(a, syscall(SYS_pivot_root, "/tmp", "/tmp"));
    if (!strcmp(a, "chroot")) return report(a, chroot("/tmp"));
    if (!strcmp(a, "userfaultfd")) return report(a, syscall(SYS_userfaultfd, 0));
    if (!strcmp(a, "unshare-mount")) return report(a, unshare(CLONE_NEWNS));
    if (!strcmp(a, "tioclinux")) {
        char c = 6;
        return report(a, syscall(SYS_ioctl, 0, 0x541c, &c));
    }
    // Another process's memory: a child of our own, the easiest target there is.
    if (!strcmp(a, "process_vm_writev") || !strcmp(a, "proc-mem-write")) {
        static volatile char target = 'a';
        pid_t child = fork();
        if (child == 0) { pause(); _exit(0); }
        long r;
        if (!strcmp(a, "process_vm_writev")) {
            char b = 'b';
            struct iovec local = {&b, 1}, remote = {(void *)&target, 1};
            r = syscall(SYS_process_vm_writev, child, &local, 1, &remote, 1, 0);
        } else {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/mem", child);
            r = open(path, O_RDWR);
        }
        int e = errno;
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        errno = e;
        return report(a, r);
    }
    // Syscall entries of other ABIs: the deny list is written for x86_64's numbers, so these must
    // not run at all (the process is killed; no line is printed).
#if defined(__x86_64__)
    if (!strcmp(a, "int80")) {
        long r;
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(26 /* i386 ptrace */), "b"(16), "c"(1), "d"(0) : "memory");
        printf("int80: returned %ld\n", r);
        return 0;
    }
    if (!strcmp(a, "x32")) {
        long r = syscall(0x40000000 | 101 /* ptrace */, 16, 1, 0, 0);
        printf("x32: returned %ld\n", r);
        return 0;
    }
#endif
    // The host's services as mode: landlock leaves them in reach: a TCP connect, a UDP datagram
    // (`dgram-to IP PORT`, connect + send the way bash's /dev/udp does) and an abstract socket.
    if (!strcmp(a, "tcp-connect") && argc > 3) {
        struct sockaddr_storage ss;
        int len = inet_addr_of(argv[2], atoi(argv[3]), &ss);
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) return report(a, -1);
        return report(a, connect(s, (struct sockaddr *)&ss, len));
    }
    if (!strcmp(a, "dgram-to") && argc > 3) {
        struct sockaddr_storage ss;
        int len = inet_addr_of(argv[2], atoi(argv[3]), &ss);
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        if (s < 0) return report(a, -1);
        long r = sendto(s, "escaped", 7, 0, (struct sockaddr *)&ss, len);
        if (r >= 0) {
            int c = socket(AF_INET, SOCK_DGRAM, 0);
            r = connect(c, (struct sockaddr *)&ss, len);
            if (r == 0) r = send(c, "escaped", 7, 0);
        }
        return report(a, r);
    }
    if (!strcmp(a, "abstract-connect") && arg) {
        struct sockaddr_un u = {.sun_family = AF_UNIX};
        strncpy(u.sun_path + 1, arg, sizeof u.sun_path - 2);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (s < 0) return report(a, -1);
        return report(a, connect(s, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 1 + strlen(arg)));
    }
    // `execveat-file F`: execveat(fd, "", argv, AT_EMPTY_PATH) on an O_PATH descriptor of the
    // file named by F's first line, with the argv of its other lines (one a line), so the gate
    // sees only this helper's own argv before the run.
    if (!strcmp(a, "execveat-file") && arg) {
        static char buf[4096];
        char *av[64];
        int f = open(arg, O_RDONLY);
        long n = f < 0 ? -1 : read(f, buf, sizeof buf - 1);
        if (n <= 0) return report(a, -1);
        buf[n] = 0;
        int ac = 0;
        char *path = strtok(buf, "\n");
        for (char *t = strtok(NULL, "\n"); t && ac < 63; t = strtok(NULL, "\n")) av[ac++] = t;
        av[ac] = NULL;
        int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0) return report(a, -1);
        char *ev[] = {NULL};
        return report(a, syscall(SYS_execveat, fd, "", av, ev, AT_EMPTY_PATH));
    }
    // `fds`: every descriptor the program starts with ("fds: 0,1,2" when nothing leaked in).
    if (!strcmp(a, "fds")) {
        printf("fds: ");
        for (int fd = 0, first = 1; fd < 4096; fd++) {
            if (fcntl(fd, F_GETFD) < 0) continue;
            printf(first ? "%d" : ",%d", fd);
            first = 0;
        }
        printf("\n");
        return 0;
    }
    // The sandbox's init (pid 1) keeps its namespace capabilities and has no seccomp filter: its
    // descriptors (cordon's pipes) and memory (cordon's environment) must stay out of reach.
    // init forwards SIGTERM to every process of the sandbox when cordon sends it: a process
    // inside must not be able to trigger that (or signal init at all).
    // `kill-parent`: SIGTERM to the parent, which is cordon itself in mode landlock (no pid
    // namespace there; Landlock's signal scope, ABI 6, is what stands in the way).
    if (!strcmp(a, "kill-parent")) {
        pid_t parent = getppid();
        printf("parent %d\n", parent);
        return report(a, kill(parent, SIGTERM));
    }
    if (!strcmp(a, "init-signal")) return report(a, kill(1, SIGTERM));
    if (!strcmp(a, "init-environ")) return report(a, open("/proc/1/environ", O_RDONLY));
    // Its descriptor numbers may be listed (the directory is the same user's), but none may be
    // opened: each would be one of cordon's pipes or files.
    if (!strcmp(a, "init-fds")) {
        int last = ENOENT;
        for (int fd = 0; fd < 1024; fd++) {
            char path[64];
            snprintf(path, sizeof path, "/proc/1/fd/%d", fd);
            int modes[] = {O_RDONLY, O_WRONLY};
            for (int m = 0; m < 2; m++) {
                int got = open(path, modes[m] | O_NONBLOCK | O_CLOEXEC);
                if (got >= 0) {
                    printf("init-fds: opened %s\n", path);
                    return report(a, got);
                }
                if (errno != ENOENT) last = errno;
            }
        }
        errno = last;
        return report(a, -1);
    }
    if (!strcmp(a, "init-mem")) return report(a, open("/proc/1/mem", O_RDONLY));
    // Deny-list calls an unprivileged process may otherwise make (so each refusal is the
    // filter's, not a missing capability's): outside a sandbox each gets ok or an errno other than
    // EPERM (a bad descriptor, no such key), which the escape suite checks as its control.
    if (!strcmp(a, "add_key")) return report(a, syscall(SYS_add_key, "user", "cordon-try", "x", 1, -2 /* process keyring */));
    if (!strcmp(a, "request_key")) return report(a, syscall(SYS_request_key, "user", "cordon-try-none", NULL, 0));
    if (!strcmp(a, "userfaultfd-user")) return report(a, syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */));
    if (!strcmp(a, "io_uring_enter")) return report(a, syscall(SYS_io_uring_enter, 999, 0, 0, 0, NULL, 0));
    if (!strcmp(a, "io_uring_register")) return report(a, syscall(SYS_io_uring_register, 999, 0, NULL, 0));
    if (!strcmp(a, "quotactl_fd")) return report(a, syscall(SYS_quotactl_fd, 999, 0, 0, NULL));
    if (!strcmp(a, "fsconfig")) return report(a, syscall(SYS_fsconfig, 999, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0));
    // A nested user namespace with junk in clone's upper 32 bits (the kernel reads the low 32:
    // a filter comparing the whole register for equality would miss it).
    if (!strcmp(a, "clone-newuser-hi")) {
        long r = syscall(SYS_clone, (1UL << 40) | CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (r == 0) _exit(0);
        if (r > 0) waitpid((pid_t)r, NULL, 0);
        return report(a, r < 0 ? -1 : 0);
    }
    // Another process's memory read (the pair of process_vm_writev), and PTRACE_TRACEME, which
    // asks no permission of anyone: both in a child of our own, the easiest target there is.
    if (!strcmp(a, "process_vm_readv") || !strcmp(a, "ptrace-traceme")) {
        static volatile char target = 'a';
        int sync[2];
        if (pipe(sync) < 0) return report(a, -1);
        pid_t child = fork();
        if (child == 0) {
            if (!strcmp(a, "ptrace-traceme")) {
                long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
                char e = r < 0 ? (char)errno : 0;
                (void)!write(sync[1], &e, 1);
                _exit(0);
            }
            pause();
            _exit(0);
        }
        long r;
        if (!strcmp(a, "process_vm_readv")) {
            char b = 0;
            struct iovec local = {&b, 1}, remote = {(void *)&target, 1};
            r = syscall(SYS_process_vm_readv, child, &local, 1, &remote, 1, 0);
        } else {
            char e = EIO;
            r = read(sync[0], &e, 1) == 1 && e == 0 ? 0 : -1;
            errno = e;
        }
        int e = errno;
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        errno = e;
        return report(a, r);
    }
    // `syscall NR`: syscall NR with every argument 0 (deny-list calls that need a capability;
    // never run outside a sandbox: vhangup and reboot act on the caller's terminal and machine).
    if (!strcmp(a, "syscall") && arg) return report(a, syscall(atol(arg), 0, 0, 0, 0, 0, 0));
    // `signal PID SIG`: kill(PID, SIG) (PID -1: every process the caller may signal).
    if (!strcmp(a, "signal") && argc > 3) return report(a, kill(atoi(argv[2]), atoi(argv[3])));
    // `shmget KEY` / `msgget KEY`: look up the host's System V objects by key (no IPC_CREAT).
    if (!strcmp(a, "shmget") && arg) return report(a, shmget((key_t)strtol(arg, NULL, 0), 0, 0));
    if (!strcmp(a, "msgget") && arg) return report(a, msgget((key_t)strtol(arg, NULL, 0), 0));
    // `raise-limits`: each hard limit the sandbox sets, raised to unlimited (CAP_SYS_RESOURCE of
    // the host's user namespace is what that takes); "raise-limits: ok" only if every one rose.
    if (!strcmp(a, "raise-limits")) {
        int res[] = {RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_FSIZE, RLIMIT_AS, RLIMIT_CPU};
        const char *names[] = {"nproc", "nofile", "fsize", "as", "cpu"};
        int raised = 0, err = 0;
        for (int i = 0; i < 5; i++) {
            struct rlimit rl;
            getrlimit(res[i], &rl);
            if (rl.rlim_max == RLIM_INFINITY) continue;
            struct rlimit up = {rl.rlim_cur, res[i] == RLIMIT_NOFILE ? rl.rlim_max + 1 : RLIM_INFINITY};
            if (setrlimit(res[i], &up) == 0) {
                printf("raised %s\n", names[i]);
                raised++;
            } else err = errno;
        }
        if (err) errno = err;
        return report(a, err ? -1 : 0);
    }
    return KERNEL_ATTEMPT_UNKNOWN;
}
