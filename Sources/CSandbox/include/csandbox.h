// CSandbox: the only code that runs between clone and execve, and syscall shims Swift cannot
// call (variadic syscall(2), macros, clone3 returning twice).
//
// Rules for everything in spawn.c that runs in a child (DESIGN "The fork/exec boundary"):
// syscalls only, no malloc, no stdio, no glibc wrappers that take locks or broadcast to threads
// (setuid & co signal every thread glibc believes exists: the Swift parent had several, the
// child has one, so the broadcast would hang), leave with _exit. The parent prepares every
// string and array, in the arena's blocks; the child only reads them. The child gets the rest of
// cordon's private memory empty (forkmarks.c), the dynamic loader's among it: every libc
// function it calls must be called once in the parent first (resolve_child_calls), or in a
// dynamically linked build its first call would be resolved, lazily, from memory that is gone.
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/filter.h>

// ---- the spawn plan -------------------------------------------------------------------------

/// One step in building the sandbox's root filesystem. Paths are absolute and already
/// prefixed by the parent: sources with the old root ("/oldroot/usr"), targets with the new
/// root ("/newroot/usr").
enum cs_op_kind {
    CS_OP_MKDIR = 1,    // target, mode 0755 (EEXIST is fine)
    CS_OP_MKFILE = 2,   // target: an empty regular file to bind a file onto
    CS_OP_BIND = 3,     // source -> target, recursive
    CS_OP_TMPFS = 4,    // target, data = mount options
    CS_OP_PROC = 5,     // target
    CS_OP_DEVPTS = 6,   // target
    CS_OP_SYMLINK = 7,  // source = link text, target
    CS_OP_SETATTR = 8,  // target: apply flags to an existing mount tree (read-only /proc/sys)
    CS_OP_ATTACH = 9,   // fd: a detached mount tree the parent prepared (cs_open_tree_clone),
                        // moved onto target; flags then applied recursively
};

/// Flags for bind/tmpfs/setattr ops, applied recursively with mount_setattr(2).
enum cs_op_flags {
    CS_F_RDONLY = 1 << 0,
    CS_F_NOEXEC = 1 << 1,
    CS_F_NOSUID = 1 << 2,
    CS_F_NODEV = 1 << 3,
    CS_F_OPTIONAL = 1 << 4,  // a missing source is skipped, not an error
};

struct cs_op {
    int32_t kind;
    uint32_t flags;
    const char *source;
    const char *target;
    const char *data;
    int32_t fd;         // CS_OP_ATTACH only; closed by the child once attached
};

struct cs_rlimit {
    int32_t resource;
    uint64_t soft;
    uint64_t hard;
};

struct cs_landlock_rule {
    const char *path;   // as seen inside the sandbox
    uint64_t access;    // LANDLOCK_ACCESS_FS_* allowed beneath it
};

struct cs_landlock {
    uint64_t handled_fs;
    uint64_t handled_net;
    uint64_t scoped;
    const struct cs_landlock_rule *rules;
    int32_t nrules;
};

/// Stages a child can fail at; the parent names them in its error message.
enum cs_stage {
    CS_STAGE_SYNC = 1, CS_STAGE_PDEATHSIG, CS_STAGE_SETSID, CS_STAGE_HOSTNAME, CS_STAGE_LOOPBACK,
    CS_STAGE_MOUNT_PRIVATE, CS_STAGE_ROOT_TMPFS, CS_STAGE_PIVOT_ROOT, CS_STAGE_MOUNT_OP,
    CS_STAGE_ENTER_ROOT, CS_STAGE_SPAWN_WORKER, CS_STAGE_RLIMIT, CS_STAGE_STDIO,
    CS_STAGE_CLOSE_RANGE, CS_STAGE_SETGROUPS, CS_STAGE_SETGID, CS_STAGE_SETUID, CS_STAGE_CAPS,
    CS_STAGE_NO_NEW_PRIVS, CS_STAGE_SIGNALS, CS_STAGE_CHDIR, CS_STAGE_LANDLOCK, CS_STAGE_SECCOMP,
    CS_STAGE_EXEC, CS_STAGE_CLONE, CS_STAGE_BRIDGE, CS_STAGE_WARM, CS_STAGE_CGROUP,
};

/// Listening sockets the child opens on its own loopback for cordon's proxy (at most this many).
enum { CS_MAX_BRIDGE = 4 };

/// What a failed child writes on the error pipe: a fixed-size record, one write, atomic.
struct cs_error {
    int32_t stage;
    int32_t err;
    int32_t index;   // the op index for CS_STAGE_MOUNT_OP, the candidate for CS_STAGE_EXEC
    int32_t reserved;
};

struct cs_plan {
    // Namespaces for clone3 (CLONE_NEW*). With CLONE_NEWPID a small init stays pid 1.
    uint64_t clone_flags;
    int32_t use_init;           // run an init as pid 1 that reaps and reports the worker
    int32_t sync_fd;            // child reads one byte once the parent wrote the id maps; -1: none
    int32_t sync_write_fd;      // the parent's end, closed in the child so EOF means "parent died"
    int32_t err_fd;             // close-on-exec write end: struct cs_error on failure
    int32_t status_fd;          // init writes the worker's wait status (int32) here; -1: none
    const char *hostname;       // NULL: keep
    int32_t loopback_up;
    // Root filesystem (mount namespace only).
    int32_t build_root;
    // An existing host directory the building tmpfs is mounted on (only in the child's mount
    // namespace). Inside it the child makes "newroot" and "oldroot" and pivots, so ops name
    // sources "/oldroot/<host path>" and targets "/newroot/<sandbox path>".
    const char *root_base;
    const struct cs_op *ops;
    int32_t nops;
    // Worker.
    const struct cs_rlimit *rlimits;
    int32_t nrlimits;
    int32_t stdin_fd, stdout_fd, stderr_fd;
    int32_t ctty;               // make stdin (a pty's slave) the worker's controlling terminal
    int32_t change_ids;         // setgroups(0), setresgid, setresuid to uid/gid
    int32_t drop_groups;        // only when setgroups is allowed in the user namespace
    uint32_t uid, gid;
    const char *cwd;
    const struct cs_landlock *landlock;     // NULL: none
    const struct sock_fprog *seccomp;       // NULL: none
    uint32_t seccomp_flags;
    // With SECCOMP_FILTER_FLAG_NEW_LISTENER in seccomp_flags: the worker writes the listener's
    // number on this unix socket before execve (cordon takes it with pidfd_getfd), and must
    // then have its execve's notification answered. -1: no monitor.
    int32_t notify_sock;
    // 1: write the listener's number (cordon takes it with pidfd_getfd); 0: send it with
    // SCM_RIGHTS, where pidfd_getfd is refused and sendmsg is then never notified.
    int32_t listener_by_number;
    // With notify_sock: also send a NETLINK_SOCK_DIAG socket opened here, in the sandbox's
    // network namespace, so the monitor can list the unix sockets bound inside the sandbox
    // (sock_diag answers for the namespace the netlink socket was created in). 0: don't.
    int32_t send_diag;
    // `network: domains`: after bringing up `lo` in its new network namespace, the child binds
    // and listens on 127.0.0.1:<port> for each of bridge_ports and sends the listening sockets
    // to cordon over this unix socket (SCM_RIGHTS), then closes its copies: cordon's proxy
    // accepts on them from outside, the command never holds them. -1: none.
    int32_t bridge_sock;
    const uint16_t *bridge_ports;
    int32_t nbridge;
    // With bridge_sock: also bind a UDP socket on 0.0.0.0:53 (IP_PKTINFO on, so cordon answers
    // from the address each query was sent to) and send it after the listening sockets: cordon
    // answers the sandbox's DNS. dns_addrs (IPv4, network order) are the host's nameservers as
    // the sandbox's /etc/resolv.conf names them; each is added to `lo` as a /32, so a resolver
    // sending to it reaches that socket and accepts the answer (glibc drops an answer whose
    // source is not the server it asked). 0: no DNS socket.
    int32_t bridge_dns;
    const uint32_t *dns_addrs;
    int32_t ndns_addrs;
    const char *const *exec_candidates;     // absolute paths tried in order
    int32_t ncandidates;
    char *const *argv;
    char *const *envp;
    // A prepared sandbox (`cordon serve --warm`): after building its root the child waits on
    // this unix socket for the run's part of the plan (struct cs_tail and stdin, sent by
    // cs_tail_send) and only then starts init and the worker. -1: the plan is complete.
    int32_t tail_sock;
    // cgroup v1 groups the child joins itself, first thing after clone: each is the group's
    // `tasks` file, opened for writing by cordon (as root) before the clone. The child writes
    // "0" (itself) to each and closes it. ncgroup_fds 0: none, or the parent moves the child.
    const int32_t *cgroup_fds;
    int32_t ncgroup_fds;
    // CORDON_DEBUG_TIMING: the child writes a line per setup stage here (cordon's stderr), with
    // the microseconds since timing_origin_ns (CLOCK_MONOTONIC, cordon's own start), so its
    // stages interleave with cordon's. -1: off.
    int32_t timing_fd;
    uint64_t timing_origin_ns;
};

/// The part of a plan that belongs to one run, sent to a prepared sandbox: this header, then
/// `bytes` of payload: rlimits[nrlimits], filter[nfilter], the rules' access masks (uint64),
/// then NUL-terminated strings: cwd ("" for none), the rules' paths, the exec candidates,
/// argv, envp. Everything else (namespaces, ids, mounts, the channels) was fixed when the
/// sandbox was prepared, and the parent only hands over a sandbox whose fixed part equals the
/// run's (PreparedSandbox.key).
struct cs_tail {
    uint32_t magic;
    uint32_t bytes;
    int32_t nrlimits, ncandidates, nargv, nenvp, nrules, nfilter;
    int32_t has_landlock, has_seccomp, send_diag, listener_by_number;
    uint32_t seccomp_flags, reserved;
    uint64_t handled_fs, handled_net, scoped;
};
enum { CS_TAIL_MAGIC = 0x4c545343u, CS_TAIL_MAX = 64 << 20 };

/// Sends the run's part of `plan` and `stdin_fd` (SCM_RIGHTS) to a prepared sandbox's
/// tail_sock. Parent side (allocates). 0 or -errno (E2BIG past CS_TAIL_MAX).
int cs_tail_send(int sock, const struct cs_plan *plan, int stdin_fd);

/// The warm runner's handoff (`cordon run` -> a runner of `cordon serve --warm`): at most this
/// many descriptors per message.
enum { CS_MAX_PASSED = 8 };
/// Sends `len` bytes on a stream socket, the first chunk carrying `fds` (SCM_RIGHTS). 0 or -errno.
int cs_send_with_fds(int sock, const void *data, size_t len, const int *fds, int nfds);
/// One recvmsg: bytes read (0 at EOF) or -errno; the descriptors that came with it, close-on-exec,
/// in fds (*nfds of them; any beyond maxfds are closed). A truncated control message is -EPROTO.
/// Credentials a SO_PASSCRED socket adds are allowed for and ignored.
long cs_recv_with_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds);
/// SO_PEERCRED: the connected peer's pid and uid (as of connect).
int cs_peer_cred(int sock, int32_t *pid, uint32_t *uid);
/// A pidfd for the process that connected (SO_PEERPIDFD, Linux 6.5), or -errno.
int cs_peer_pidfd(int sock);
/// 1 when the process a pidfd names has exited, 0 while it runs, -errno on error.
int cs_pidfd_exited(int pidfd);
/// ioprio_get(IOPRIO_WHO_PROCESS, pid): the I/O class and level, or -errno.
long cs_ioprio_get(int32_t pid);
/// 1 when two paths (followed) are the same file seen through the same mount (statx: device,
/// inode, mount id), 0 when not, -errno when either cannot be looked up.
int cs_same_file_and_mount(const char *a, const char *b);

/// clone3 + the child's whole life until execve. Returns the child's pid (and its pidfd in
/// *pidfd) in the parent, or -errno. Call with all signals blocked; the child resets them.
/// Every pointer in the plan must point into `spans` (nspans pairs of start, length: the
/// arena's blocks): of cordon's private anonymous memory the child gets only those and the
/// stack it runs on, the rest empty (forkmarks.c).
pid_t cs_spawn(const struct cs_plan *plan, int *pidfd, const uintptr_t *spans, int nspans);

// Constants Swift's Glibc module hides behind _GNU_SOURCE.
enum {
    CS_CLONE_NEWUSER = 0x10000000, CS_CLONE_NEWPID = 0x20000000, CS_CLONE_NEWNS = 0x00020000,
    CS_CLONE_NEWNET = 0x40000000, CS_CLONE_NEWIPC = 0x08000000, CS_CLONE_NEWUTS = 0x04000000,
    CS_CLONE_NEWCGROUP = 0x02000000,
    CS_RLIMIT_CPU = 0, CS_RLIMIT_FSIZE = 1, CS_RLIMIT_CORE = 4, CS_RLIMIT_NPROC = 6,
    CS_RLIMIT_NOFILE = 7, CS_RLIMIT_AS = 9,
};

// seccomp(2) filter flags for cs_plan.seccomp_flags (linux/seccomp.h names; spelled out here
// so Swift reads them from one header). NEW_LISTENER returns the notification fd the monitor
// answers; WAIT_KILLABLE_RECV (Linux 5.19) makes a notified syscall interruptible only by a
// fatal signal once the monitor has received it, so a signal handler in the sandbox cannot
// make the kernel restart the call behind the monitor's back.
enum {
    CS_SECCOMP_FLAG_NEW_LISTENER = 1u << 3,
    CS_SECCOMP_FLAG_WAIT_KILLABLE_RECV = 1u << 5,
};

// ---- shims ----------------------------------------------------------------------------------

int cs_pidfd_send_signal(int pidfd, int sig);
int cs_pidfd_open(pid_t pid);
// pidfd_open(tid, PIDFD_THREAD): a pidfd of a thread that is not its group's leader; -errno.
int cs_pidfd_open_thread(pid_t tid);
/// waitid(P_PIDFD, ...): *status gets a wait(2)-style status; rusage filled when non-NULL.
int cs_wait_pidfd(int pidfd, int *status, void *rusage, int nohang);
int cs_memfd_create(const char *name);
/// Landlock ABI version, or -errno (ENOSYS: not built in, EOPNOTSUPP: disabled at boot).
int cs_landlock_abi(void);
/// seccomp(SECCOMP_GET_ACTION_AVAIL) for SECCOMP_RET_USER_NOTIF: 0 when available.
int cs_seccomp_notify_available(void);
/// pipe2(O_CLOEXEC).
int cs_pipe_cloexec(int fds[2]);
int cs_close_range(unsigned first, unsigned last, unsigned flags);
/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34, a GNU extension Swift's Glibc module
/// does not show): the alert channels' programs get no descriptor of cordon's above `from`.
int cs_spawn_closefrom(void *file_actions, int from);
int cs_sigfillset_block(void *oldset);   // blocks all signals, saves the old mask (sigset_t)
int cs_sigmask_restore(const void *oldset);
int cs_signalfd_for(const int *sigs, int n);   // blocks them and returns a signalfd
/// Reads one signal from a signalfd: its number, or -errno.
int cs_signalfd_read(int fd);
/// A detached copy of the mount tree at `path` (open_tree(2) with OPEN_TREE_CLONE and
/// AT_RECURSIVE, the last component not followed), close-on-exec. Needs CAP_SYS_ADMIN (root).
/// Returns the fd or -errno.
int cs_open_tree_clone(const char *path);
/// A user namespace whose only mappings are uid `inner_uid` -> host `outer_uid` and gid
/// `inner_gid` -> host `outer_gid`, as an fd of /proc/PID/ns/user (the process that made it is
/// gone when this returns). Needs root. Returns the fd or -errno.
/// `aside_gid`, unless UINT32_MAX, is a second on-disk gid mapped to `aside_outer` (a gid nobody
/// holds): its files stay writable as their owner and mode allow (the kernel refuses writes to an
/// inode whose uid or gid an idmapped mount leaves unmapped) without it being the sandbox's group.
int cs_idmap_userns(uint32_t inner_uid, uint32_t outer_uid, uint32_t inner_gid, uint32_t outer_gid, uint32_t aside_gid,
                    uint32_t aside_outer);
/// Makes the detached tree `tree_fd` an idmapped mount through the user namespace `userns_fd`
/// (mount_setattr MOUNT_ATTR_IDMAP, recursive). 0 or -errno (EINVAL: a filesystem in the tree
/// does not support idmapped mounts).
int cs_mount_idmap(int tree_fd, int userns_fd);
/// Removes a directory tree cordon created itself, not following symlinks (nftw FTW_PHYS).
int cs_remove_tree(const char *path);
int cs_wstatus_exited(int s);
int cs_wstatus_code(int s);
int cs_wstatus_signaled(int s);
int cs_wstatus_signal(int s);
size_t cs_sigset_size(void);
/// Whether the calling process may create a user namespace with the given extra flags: forks
/// a short-lived child that unshares and reports back. Returns 0 or -errno.
int cs_probe_unshare(uint64_t flags);
/// Installs the given BPF program in a forked child and tries `getpid`; 0 when the kernel took
/// the filter.
int cs_probe_seccomp(const struct sock_fprog *prog);

// ---- seccomp user notification (the monitor) --------------------------------------------

/// What the monitor needs from one notification, copied out of the kernel's struct.
struct cs_notif {
    uint64_t id;
    uint32_t pid;
    int32_t nr;
    uint32_t arch;
    uint64_t ip;
    uint64_t args[6];
};

/// Sizes the kernel uses for its notification structs (they may be larger than our headers').
int cs_notif_init(void);
/// SECCOMP_IOCTL_NOTIF_RECV into a zeroed buffer (libseccomp 2.5 does not zero it, and the
/// kernel requires it). 0, or -errno (ENOENT: the target died before we read it).
int cs_notif_recv(int listener, struct cs_notif *out);
/// Answers a notification: continue the syscall (flags = CONTINUE) or fail it with -err.
int cs_notif_respond(int listener, uint64_t id, int err, int cont);
// Wake-ups between the listener's owner and notifying tasks stay on one CPU (Linux 6.6+;
// -EINVAL or -ENOTTY before).
int cs_notif_sync_wakeup(int listener);
/// SECCOMP_IOCTL_NOTIF_ID_VALID: 0 while the target still waits in that syscall.
int cs_notif_id_valid(int listener, uint64_t id);
// Answers notification `id` with a return value `val`, or with the error `err` (> 0) when set.
// Safe to call from any thread.
int cs_notif_answer(int listener, uint64_t id, int64_t val, int err);
// Does the sandbox do this itself: connect(sockfd, addr) or sendto(sockfd, buf, addr) for the
// notification `id` and answer it with the result (op 0 connect, 1 sendto). sockfd is cordon's
// duplicate of the process's socket (pidfd_getfd); it is closed here. A socket in blocking mode
// is served by a detached thread holding its own duplicate of the listener, so the monitor's
// loop never waits on the network. Returns 0 once answered or handed to the thread, -errno if
// the answer could not be given. holdfd (or -1), closed here after the call, is the O_PATH
// descriptor that an address "/proc/thread-self/fd/N" names. ids (or NULL): {uid, gid, n,
// groups[n]} on the host, the credentials the call is made with (a thread that takes them on).
// op 2 (sendmsg) takes msg: the ancillary data as the process wrote it, its pidfd (for the
// descriptors SCM_RIGHTS names), and for one message of a sendmmsg the address of its msg_len.
struct cs_act_message {
    const void *control;
    size_t controllen;
    int pidfd;
    int32_t pid;
    uint64_t len_addr;
};
int cs_act_for(int listener, uint64_t id, int op, int sockfd, const void *addr, uint32_t addrlen,
               const void *buf, size_t buflen, int flags, int holdfd, const uint32_t *ids,
               const struct cs_act_message *msg);
// pidfd_getfd(2): a duplicate of another process's descriptor.
int cs_pidfd_getfd(int pidfd, int fd);
// Whether socket `sock` (cordon's duplicate) lives in the network namespace of process `pid`: 1,
// 0 (another one, such as the host's), or -errno (ENOTTY: not a socket).
int cs_socket_in_netns_of(int sock, int pid);
// SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD: installs cordon's `srcfd` in the
// notifying process as descriptor `target` (replacing what is there), close-on-exec when
// `cloexec`. The notification stays pending (answer it afterwards). The target's number, or
// -errno (ENOENT: the process left the syscall).
int cs_notif_addfd(int listener, uint64_t id, int srcfd, int target, int cloexec);
// One datagram from the sandbox's DNS socket (non-blocking): its length (or -errno), the
// sender's IPv4 address and port (network order) and the address it was sent to (IP_PKTINFO).
int cs_dgram_recv(int fd, void *buf, size_t len, uint32_t *from_addr, uint16_t *from_port, uint32_t *to_addr);
// Sends `buf` to from_addr:from_port with `src` as its source address (IP_PKTINFO), so the
// answer comes from the address the question went to. 0 or -errno.
int cs_dgram_send(int fd, const void *buf, size_t len, uint32_t to_addr, uint16_t to_port, uint32_t src);
// Is there a unix socket bound to the file (dev, ino) in the network namespace of the
// NETLINK_SOCK_DIAG socket `nl`? 1 yes, 0 no, -errno on failure.
int cs_unix_bound_here(int nl, uint64_t dev, uint64_t ino);
/// Receives one fd sent with SCM_RIGHTS; returns it (close-on-exec) or -errno.
int cs_recv_fd(int sock);
// A new pseudo-terminal: the master's descriptor (or -errno), the slave's in *slave; both
// close-on-exec, neither becomes cordon's controlling terminal.
int cs_openpt(int *slave);
// 0 when pidfd_getfd works here (a container's seccomp profile may refuse it), else -errno.
int cs_probe_pidfd_getfd(void);
// The worker's listener handoff: the descriptor number it wrote, and its pid (in cordon's pid
// namespace) from the SCM_CREDENTIALS the kernel attached (SO_PASSCRED must be on for `sock`).
int cs_recv_listener(int sock, int *number, int32_t *pid);
/// Receives exactly n fds sent with SCM_RIGHTS in one message (close-on-exec); returns n, or
/// -errno (EPIPE: the sender closed without sending, EPROTO: another count arrived).
int cs_recv_fds(int sock, int *fds, int n);
/// accept4(SOCK_CLOEXEC) (a _GNU_SOURCE call Swift's Glibc does not show): the fd or -errno.
int cs_accept_cloexec(int fd);
/// splice(2) without copying through user space, non-blocking: bytes moved, 0 at EOF, -errno.
long cs_splice(int in, int out, size_t len);
/// A non-blocking close-on-exec pipe for a relay, grown towards `size` bytes (F_SETPIPE_SZ,
/// best effort): its capacity, or -errno.
int cs_pipe_relay(int fds[2], int size);
/// process_vm_readv of up to len bytes at addr in pid; returns bytes read or -errno.
long cs_read_mem(pid_t pid, uint64_t addr, void *buf, size_t len);
int cs_socketpair_cloexec(int fds[2]);
/// A SOCK_STREAM pair (close-on-exec): for a byte stream read in pieces (a prepared sandbox's
/// tail socket), where a seqpacket record read in part would lose the rest of the record.
int cs_stream_pair_cloexec(int fds[2]);
int cs_tgkill(pid_t tgid, pid_t tid, int sig);
// /proc reads on the monitor's hot path (one per exec), parsed in place on a stack buffer.
/// State letter, ppid and thread count from /proc/PID/stat. 0 or -errno.
int cs_proc_stat(pid_t pid, char *state, int32_t *ppid, int32_t *threads);
/// Device and inode of /proc/PID/exe, and /proc/PID/cmdline into buf (at most cap bytes):
/// its length, or -errno.
long cs_exec_image(pid_t pid, uint64_t *dev, uint64_t *ino, char *buf, size_t cap);
// 1 when pid is the caller's child (and not yet traced by it), else 0.
int cs_is_child(pid_t pid);
/// Attaches to the task about to exec (PTRACE_SEIZE with TRACEEXEC and EXITKILL, then
/// PTRACE_INTERRUPT) so the exec's outcome can be checked before the new image runs. 0 or -errno.
int cs_exec_watch_begin(pid_t tid);
/// The two halves of cs_exec_watch_begin: attach (PTRACE_SEIZE with TRACEEXEC and EXITKILL),
/// and the interrupt that stops the task if its execve fails (on failure the task is dead and
/// has been reaped as a tracee). 0 or -errno.
int cs_exec_watch_seize(pid_t tid);
int cs_exec_watch_interrupt(pid_t tid);
/// After the exec was let go: waits for the watched task's first stop. 1: stopped in the new
/// image (exec event; *stopped is its pid now, the tgid if a thread exec'd); 0: execve failed,
/// stopped in the old image; -ESRCH: it died (reaped as tracer); other -errno.
int cs_exec_watch_wait(pid_t tid, pid_t tgid, pid_t *stopped);
/// Ends the watch: detaches (the task runs on), or with kill_it kills and reaps it.
void cs_exec_watch_end(pid_t pid, int kill_it);
/// Opens (O_PATH) what an exec in `pid` names, resolved the way the kernel would for it:
/// absolute paths inside the process's root (openat2 RESOLVE_IN_ROOT, so `..` and absolute
/// symlinks cannot leave it), relative ones from its cwd or `dirfd`; AT_EMPTY_PATH with an
/// empty path names `dirfd` itself. Returns the fd or -errno.
/// rootfd: the process's root opened O_PATH (or -1 to open /proc/PID/root for this call).
int cs_open_exec_target(pid_t pid, int rootfd, int dirfd, const char *path, int empty_path);

#endif
