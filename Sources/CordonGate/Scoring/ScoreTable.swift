// THE score table: every signal a detector can raise, its detector id, its score and what it
// means. docs/gate.md carries the same table; a test fails if they drift apart.
// Scores map to decisions through the policy thresholds (default: 60 requires approval, 80
// blocks), so a score here is a decision: 60-79 asks a person, 80+ blocks.

public enum Signal: String, CaseIterable, Sendable {
    // Input the gate cannot read is never allowed silently.
    case parseError, nulByte, invalidUTF8, oversized
    // Reverse and bind shells.
    case devTcpShell, netcatExec, socatExec, scriptingSocketShell, fifoRelay, telnetPipeShell,
        bindShell
    // Remote code execution.
    case pipeToInterpreter, processSubstitutionDownload, downloadThenExecute, evalDownload,
        insecureDownload
    // Obfuscation.
    case decodeToInterpreter, hexEscapedCommand, dynamicCommandName, evalComputed,
        indirectFileAccess
    // Credentials and secrets.
    case secretFileRead, secretKeyExport, cloudMetadata, environmentDump
    // Exfiltration.
    case fileUpload, remoteCopy, netcatSendFile, pasteSite, dnsTunnel, secretSentOut,
        rawSocketTransfer
    // Destructive file operations.
    case deleteCritical, deleteUnsetVariable, deleteBroad, shred, truncateFile, overwriteSystemFile
    // Disk and device writes.
    case deviceWrite, makeFilesystem, partitionWrite
    // Destructive git.
    case gitForcePush, gitHistoryRewrite, gitDiscard, gitDeleteRemote
    // Privilege escalation.
    case sudo, switchUser, setuidBit, setCapability, sudoersWrite, accountFileWrite, setuidInCode
    case shellEscape, interactiveShell, systemBinaryCopy, libraryLoad
    // Persistence.
    case cronJob, atJob, systemdUnit, shellStartupFile, authorizedKeys, preload, gitHook,
        promptCommand,
        pythonStartup
    // Defence evasion.
    case historyTamper, logTamper, securityDisabled, securityAgentKilled, timestomp
    // System control.
    case powerControl, killAll, kernelTuning, kernelModule, swapOff
    // Resource abuse.
    case forkBomb, diskFill
    // Packages.
    case packageInstall, packageFromURL
    // Network.
    case networkTool, networkListener, scanner, packetCapture
    // Cloud and infrastructure.
    case infraDelete, infraChange, containerPrivileged, containerPrune, databaseDestroy
    // What a command does beyond the workspace (gate-classes.md A1-A14): the approval band.
    case egress, remoteStateChange, systemChange, softwareChange, permissionChange, fileDelete, bulkChange,
        databaseSession, outsideWrite, rawDisk, inputCapture, thirdPartyCode, thirdPartyService
    // Attack techniques (MITRE ATT&CK for Linux) with no other family: key hunting, another
    // process's memory, encryption for impact, archiving collected data.
    case secretSearch, processInjection, encryptForImpact, collection
    // More of them: programs staged where any user can write, setuid and privilege-escalation
    // searches, hidden files in shared directories, a processor burnt for nothing.
    case stagedExecution, privilegeSearch, hiddenArtifact, cpuBurn
    // A command run through another program's option, hook or variable (GTFOBins `command`).
    case indirectExec
    // Inline code and unknown programs.
    case inlineCode, inlineShellOut, unknownProgram
    // Combinations and context (applied by Scoring, not by a single detector).
    case elevatedBonus, productionBonus

    /// The detector id reported in findings and named by `gate.exceptions`.
    public var detector: String {
        switch self {
        case .parseError, .nulByte, .invalidUTF8, .oversized: "unparseable"
        case .devTcpShell, .netcatExec, .socatExec, .scriptingSocketShell, .fifoRelay, .telnetPipeShell:
            "reverse-shell"
        case .bindShell: "bind-shell"
        case .insecureDownload: "insecure-download"
        case .pipeToInterpreter, .processSubstitutionDownload, .downloadThenExecute, .evalDownload:
            "remote-code-execution"
        case .decodeToInterpreter, .hexEscapedCommand, .dynamicCommandName, .evalComputed,
            .indirectFileAccess:
            "obfuscation"
        case .secretFileRead, .secretKeyExport, .cloudMetadata, .environmentDump: "credential-access"
        case .fileUpload, .remoteCopy, .netcatSendFile, .pasteSite, .dnsTunnel, .secretSentOut,
            .rawSocketTransfer:
            "exfiltration"
        case .deleteCritical, .deleteUnsetVariable, .deleteBroad, .shred, .truncateFile,
            .overwriteSystemFile:
            "destructive-delete"
        case .deviceWrite, .makeFilesystem, .partitionWrite: "disk-write"
        case .gitForcePush, .gitHistoryRewrite, .gitDiscard, .gitDeleteRemote: "destructive-git"
        case .sudo, .switchUser, .setuidBit, .setCapability, .sudoersWrite, .accountFileWrite,
            .setuidInCode,
            .systemBinaryCopy:
            "privilege-escalation"
        case .libraryLoad: "library-load"
        case .shellEscape, .interactiveShell: "shell-escape"
        case .cronJob, .atJob, .systemdUnit, .shellStartupFile, .authorizedKeys, .preload, .gitHook,
            .promptCommand,
            .pythonStartup:
            "persistence"
        case .historyTamper, .logTamper, .securityDisabled, .securityAgentKilled, .timestomp:
            "defence-evasion"
        case .powerControl, .killAll, .kernelTuning, .kernelModule, .swapOff: "system-control"
        case .forkBomb, .diskFill: "resource-abuse"
        case .packageInstall, .packageFromURL: "package-install"
        case .networkTool, .networkListener, .scanner, .packetCapture: "network-tool"
        case .infraDelete, .infraChange, .containerPrivileged, .containerPrune, .databaseDestroy:
            "cloud-infra"
        case .inlineCode, .inlineShellOut: "inline-code"
        case .unknownProgram: "unknown-program"
        case .egress: "network-egress"
        case .remoteStateChange: "cloud-infra"
        case .systemChange: "system-change"
        case .softwareChange: "package-install"
        case .permissionChange: "permissions"
        case .fileDelete: "file-delete"
        case .bulkChange: "bulk-change"
        case .databaseSession: "database"
        case .outsideWrite: "outside-write"
        case .rawDisk: "disk-write"
        case .inputCapture: "input-capture"
        case .thirdPartyCode: "third-party-code"
        case .thirdPartyService: "third-party-service"
        case .secretSearch: "credential-access"
        case .processInjection: "process-injection"
        case .encryptForImpact: "impact"
        case .collection: "collection"
        case .stagedExecution: "staged-execution"
        case .privilegeSearch: "privilege-escalation"
        case .hiddenArtifact: "defence-evasion"
        case .cpuBurn: "resource-abuse"
        case .indirectExec: "indirect-exec"

        case .elevatedBonus: "elevated"
        case .productionBonus: "environment"
        }
    }

    /// Default score, 0-100. Bonuses are added to the strongest finding.
    public var score: Int {
        switch self {
        case .parseError: 60
        case .nulByte: 70
        case .invalidUTF8: 60
        case .oversized: 60
        case .devTcpShell, .netcatExec, .socatExec, .scriptingSocketShell, .fifoRelay: 95
        case .telnetPipeShell: 95
        case .bindShell: 90
        case .pipeToInterpreter, .processSubstitutionDownload, .evalDownload: 95
        case .downloadThenExecute: 90
        case .insecureDownload: 60
        case .decodeToInterpreter: 85
        case .hexEscapedCommand: 70
        case .dynamicCommandName: 45
        case .evalComputed: 50
        case .indirectFileAccess: 60
        case .secretFileRead: 70
        case .secretKeyExport: 70
        case .cloudMetadata: 80
        case .environmentDump: 25
        case .fileUpload: 65
        case .remoteCopy: 60
        case .netcatSendFile: 75
        case .pasteSite: 80
        case .dnsTunnel: 80
        case .secretSentOut: 95
        case .rawSocketTransfer: 70
        case .deleteCritical: 95
        case .deleteUnsetVariable: 80
        case .deleteBroad: 60
        case .shred: 65
        case .truncateFile: 30
        case .overwriteSystemFile: 70
        case .deviceWrite: 95
        case .makeFilesystem: 90
        case .partitionWrite: 85
        case .gitForcePush: 70
        case .gitHistoryRewrite: 70
        case .gitDiscard: 60
        case .gitDeleteRemote: 70
        case .sudo: 60
        case .switchUser: 65
        case .setuidBit: 85
        case .setCapability: 75
        case .sudoersWrite: 95
        case .accountFileWrite: 90
        case .setuidInCode: 80
        case .shellEscape: 75
        case .interactiveShell: 60
        case .systemBinaryCopy: 60
        case .libraryLoad: 65
        case .cronJob: 65
        case .atJob: 65
        case .systemdUnit: 65
        case .shellStartupFile: 70
        case .authorizedKeys: 85
        case .preload: 85
        case .gitHook: 60
        case .promptCommand: 70
        case .pythonStartup: 65
        case .historyTamper: 70
        case .logTamper: 85
        case .securityDisabled: 85
        case .securityAgentKilled: 80
        case .timestomp: 50
        case .powerControl: 85
        case .killAll: 90
        case .kernelTuning: 60
        case .kernelModule: 65
        case .swapOff: 60
        case .forkBomb: 95
        case .diskFill: 70
        case .packageInstall: 60
        case .packageFromURL: 65
        case .networkTool: 10
        case .networkListener: 60
        case .scanner: 60
        case .packetCapture: 60
        case .infraDelete: 70
        case .infraChange: 60
        case .containerPrivileged: 75
        case .containerPrune: 60
        case .databaseDestroy: 80
        case .inlineCode: 20
        case .inlineShellOut: 60
        case .unknownProgram: 5
        case .egress, .remoteStateChange, .systemChange, .softwareChange, .permissionChange, .fileDelete,
            .bulkChange, .databaseSession, .outsideWrite, .rawDisk, .inputCapture, .thirdPartyCode,
            .thirdPartyService:
            60
        case .secretSearch: 60
        case .processInjection: 65
        case .encryptForImpact: 65
        case .collection: 60
        case .stagedExecution, .privilegeSearch, .hiddenArtifact, .cpuBurn: 60
        case .indirectExec: 60

        case .elevatedBonus: 10
        case .productionBonus: 10
        }
    }

    /// One line for the table in docs/gate.md.
    public var summary: String {
        switch self {
        case .parseError:
            "the parser stopped (unterminated quote, nesting over 64, stray operator): unreadable is not safe"
        case .nulByte: "a NUL byte in the command (argv cannot carry it; something is being hidden)"
        case .invalidUTF8: "invalid UTF-8 in the command"
        case .oversized: "command over 1 MiB: analysed up to the limit"
        case .devTcpShell: "an interactive shell wired to /dev/tcp or /dev/udp"
        case .netcatExec: "nc/ncat with -e/-c: a shell served over the network"
        case .socatExec: "socat with exec:/system: and a network address"
        case .scriptingSocketShell: "python/perl/php/ruby/lua/node code opening a socket and a shell"
        case .fifoRelay: "mkfifo relay between a shell and nc/openssl"
        case .telnetPipeShell: "telnet/nc/openssl output piped into a shell"
        case .bindShell: "a listener that serves a shell (nc -l -e, socat tcp-listen exec)"
        case .pipeToInterpreter: "curl/wget output piped into sh/bash/python/..."
        case .processSubstitutionDownload: "a shell reading <(curl ...) or source <(wget ...)"
        case .downloadThenExecute: "download, chmod +x, run: in one script"
        case .evalDownload: "eval or sh -c of $(curl ...)"
        case .insecureDownload:
            "a file saved from plain http:// or ftp:// (anyone on the path can swap it); https downloads stay allowed"
        case .decodeToInterpreter: "base64/xxd/rev/printf-decoded text piped into an interpreter"
        case .hexEscapedCommand: "program name written with $'\\x..' escapes"
        case .dynamicCommandName: "program name built from variables or substitutions"
        case .evalComputed: "eval of a computed string"
        case .indirectFileAccess:
            "a file read or written through a program that gives it back unchanged (base64 F | base64 -d, gzip -c F | gzip -d, comm F /dev/null, openssl enc with no cipher): cat or cp in disguise, how a file is reached through an allowlisted, sudo or setuid program"
        case .secretFileRead:
            "reads a private key, cloud/kube/docker credentials, .netrc, .env, /etc/shadow, browser profiles, keyrings"
        case .secretKeyExport: "gpg --export-secret-keys, ssh private keys copied out"
        case .cloudMetadata:
            "touches the cloud metadata address 169.254.169.254 / metadata.google.internal"
        case .environmentDump: "env/printenv: prints every secret in the environment"
        case .fileUpload:
            "curl -d @file / -F / -T / --data-binary @, wget --post-file: a local file sent out"
        case .remoteCopy:
            "scp/rsync/sftp/ftp/tar/restic to or from another host, get/put typed into or fed to an ftp/sftp/tftp session, ssh fed a local file or a remote command's output saved to one: files moved between machines (the other one's data leaves it either way)"
        case .netcatSendFile:
            "nc/ncat/socat HOST PORT < file (75); nc -l < file, served to whoever connects (65)"
        case .pasteSite: "upload to a paste or file-drop site (pastebin, transfer.sh, 0x0.st...)"
        case .dnsTunnel: "DNS lookup of a name built from command output (DNS tunnelling)"
        case .secretSentOut: "a secret read and sent to the network in one pipeline or script"
        case .rawSocketTransfer:
            "file sent or received through /dev/tcp, whois, finger, openssl s_client"
        case .deleteCritical:
            "rm -rf of /, /*, ~, $HOME, .., or a system directory (95); of a path under /etc, /usr, /var/lib... (85); find -delete over / (90)"
        case .deleteUnsetVariable: "rm -rf of a path built on a variable that may be empty (\"$DIR/\"*)"
        case .deleteBroad: "find -delete / -exec rm over a broad tree; rm -rf of a whole directory tree"
        case .shred: "shred, srm, wipe, scrub: unrecoverable deletion"
        case .truncateFile: "truncate to zero"
        case .overwriteSystemFile:
            "redirect or tee into /etc (70; appending 60); into /boot, /usr, /bin, /sbin, /lib (85); cp/mv/sed -i there (60)"
        case .deviceWrite: "dd of=/dev/sd*, cat > /dev/nvme*, writes to a block device"
        case .makeFilesystem: "mkfs*, wipefs, mkswap on a device"
        case .partitionWrite: "fdisk/parted/sgdisk/sfdisk changing a partition table"
        case .gitForcePush: "git push --force/-f/--mirror/+refspec"
        case .gitHistoryRewrite:
            "git filter-branch / filter-repo (70); reflog expire/delete (60); gc --prune=now (45)"
        case .gitDiscard:
            "git reset --hard, clean -fdx, branch -D, update-ref -d (60); checkout/restore of local changes, stash drop/clear (45); tag -d (40)"
        case .gitDeleteRemote: "git push --delete / :branch, deleting remote branches or tags"
        case .sudo: "sudo/doas/pkexec: runs as root (and adds to whatever it runs)"
        case .switchUser: "su, runuser USER: a shell or command as another user"
        case .setuidBit: "chmod u+s / 4755: a setuid binary"
        case .setCapability: "setcap: file capabilities"
        case .sudoersWrite: "writes to /etc/sudoers or sudoers.d (95); visudo (60)"
        case .accountFileWrite:
            "writes to /etc/passwd, /etc/shadow, /etc/group; useradd/usermod into root-equivalent groups (90); passwd root, chpasswd (60)"
        case .setuidInCode: "setuid(0)/os.setuid(0) in inline code"
        case .shellEscape:
            "a shell spawned from an ordinary program (GTFOBins: find -exec sh, awk system, vi :!sh, less !sh, tar --checkpoint-action, zip -TT, ssh ProxyCommand)"
        case .interactiveShell:
            "an interactive shell with no script: whatever is typed next is unchecked"
        case .systemBinaryCopy:
            "a system program run from a copy in the working directory (./find, ./vim): the setuid-copy pattern"
        case .libraryLoad:
            "a native library loaded into a program (enable -f, -engine x.so, ssh-keygen -D, ctypes/dlopen in inline code)"
        case .cronJob: "crontab edits or installs"
        case .atJob: "at/batch: deferred commands"
        case .systemdUnit: "systemd units and timers created or enabled"
        case .shellStartupFile: "writes to shell rc/profile files"
        case .authorizedKeys: "writes to ~/.ssh/authorized_keys"
        case .preload: "LD_PRELOAD / LD_AUDIT for a program (85); /etc/ld.so.preload (95)"
        case .gitHook: "writes into .git/hooks or sets core.hooksPath"
        case .promptCommand: "PROMPT_COMMAND set"
        case .pythonStartup:
            "sitecustomize/usercustomize/.pth files (65); PYTHONSTARTUP, LD_LIBRARY_PATH=/tmp... (60)"
        case .historyTamper:
            "history -c, unset HISTFILE, HISTFILE=/dev/null, rm ~/.bash_history, HISTCONTROL=ignorespace, HISTIGNORE='*'"
        case .logTamper:
            "deleting or truncating files under /var/log, wtmp/btmp, journalctl --vacuum (85)"
        case .securityDisabled: "disabling firewall, SELinux, AppArmor, auditd"
        case .securityAgentKilled: "killing or stopping security agents (auditd, falco, osquery, EDR)"
        case .timestomp: "touch -r / -d / -t: changing timestamps"
        case .powerControl: "shutdown, reboot, halt, poweroff, init 0/6, systemctl reboot"
        case .killAll: "kill -9 -1, kill 1, killall5 (90); pkill -u root, killall . (80)"
        case .kernelTuning: "sysctl -w, writes to /proc/sys"
        case .kernelModule: "insmod, modprobe, rmmod"
        case .swapOff: "swapoff -a"
        case .forkBomb: "a function that pipes itself into itself in the background"
        case .diskFill:
            "yes/cat /dev/zero into a file, dd with no count, endless loops appending to a file (70); fallocate/truncate of terabytes (60)"
        case .packageInstall: "pip/npm/gem/cargo/go/apt/... install (supply chain; sudo adds)"
        case .packageFromURL: "install from a URL, git+, a tarball or a local wheel from elsewhere"
        case .networkTool:
            "curl, wget and friends (10); ssh (20); nc, interactive ftp/sftp/smbclient sessions (30)"
        case .networkListener:
            "opens a listening port reachable from other machines (nc -l, python -m http.server, php -S, ruby httpd, --address 0.0.0.0) (60); bound to 127.0.0.1 or localhost (30)"
        case .scanner: "nmap, masscan, zmap: scanning"
        case .packetCapture: "tcpdump, tshark: capturing traffic"
        case .infraDelete:
            "kubectl delete/drain, helm uninstall, aws/gcloud/az delete (70); terraform/pulumi destroy (85); aws s3 sync --delete (60); docker rm -f / rmi -f (50)"
        case .infraChange:
            "kubectl apply/scale/patch, helm install/upgrade, terraform apply (50; 65 with -auto-approve)"
        case .containerPrivileged: "docker run --privileged, --pid=host, mounting / or docker.sock"
        case .containerPrune: "docker system/volume prune"
        case .databaseDestroy:
            "DROP/TRUNCATE/DELETE without WHERE via psql/mysql/sqlite3, dropdb, redis FLUSHALL (80); dropuser (70)"
        case .inlineCode: "inline interpreter code (python -c, perl -e, node -e, awk program)"
        case .inlineShellOut: "inline code that runs commands we cannot read"
        case .unknownProgram: "a program the gate has no knowledge of (never decides alone)"
        case .egress:
            "content to or from another host: a URL or user@host naming a non-loopback machine, a network client (curl, ssh, mail, yt-dlp...), git clone/fetch/pull/push (A3)"
        case .remoteStateChange:
            "a cloud, cluster, hypervisor, platform or forge CLI asked to create, change, start, stop or delete something (A9, R3)"
        case .systemChange:
            "processes signalled, services, kernel modules, sysctl, clock, hostname, mounts, network and firewall configuration, users and groups (A8)"
        case .softwareChange: "packages removed, upgraded or published; toolchains and plugins installed (A4)"
        case .permissionChange: "chmod, chown, chgrp, setfacl, chattr (A6)"
        case .fileDelete:
            "rm, find -delete, truncate -s 0, git clean/rm of anything but scratch and build output (A1)"
        case .bulkChange:
            "many files moved, renamed or edited in place at once (mv *, rename, find -exec mv, sed -i on many) (A2)"
        case .databaseSession: "a database session or a database changed (psql, mysql, redis-cli, dropdb...) (A10)"
        case .outsideWrite:
            "writes outside the workspace: dotfiles, system paths, global tool configuration, logins, keys, cron and at jobs (A11)"
        case .rawDisk: "raw disks, partitions, file system checks and firmware flashing (A12)"
        case .inputCapture:
            "screen, camera, microphone, keyboard or clipboard captured; synthetic input; password stores read; screen locks and radios (A13, R10)"
        case .thirdPartyCode: "someone else's package fetched and run: npx, pipx run, uvx, go run x@v, nix run (A14)"
        case .thirdPartyService:
            "text or code sent to a third-party service: LLM and translation CLIs, messaging, code scanners (R4)"
        case .secretSearch:
            "a search for private keys and credentials: find/locate -name id_rsa|*.pem|*.kdbx|.gnupg, grep -r 'PRIVATE KEY', grep -r password over / or /etc (T1552.001, T1552.004)"
        case .processInjection:
            "another process's memory: /proc/PID/mem, gdb/strace/ltrace -p PID (65); code injected with gdb call (85) (T1055)"
        case .encryptForImpact:
            "files encrypted in bulk or outside the workspace: openssl enc, gpg -c, ccrypt, age, 7z/zip -p over globs, loops, ~ or / (T1486)"
        case .indirectExec:
            "a command run through another program: an option or hook that executes its value (--filter=, --to-command=, --on-download-complete=, tcpdump -z, rsync -e), a pager/editor/ssh variable naming a program, a computed program behind a launcher (nohup \"$CMD\")"
        case .collection:
            "an archive of homes, browser profiles, key or system directories: tar/zip/7z of ~, /home, /root, .mozilla, .ssh (T1560)"
        case .stagedExecution:
            "a program run from /tmp, /var/tmp or /dev/shm that the command did not build: any user could have put it there (T1036, T1204)"
        case .privilegeSearch:
            "a search for a way to root: setuid/setgid programs (find -perm -4000), privilege-escalation finders (linpeas) (T1548.001)"
        case .hiddenArtifact:
            "a hidden file or directory made in a directory every user shares (/tmp/.x, /dev/shm/.x) (T1564.001)"
        case .cpuBurn:
            "an endless generator written into /dev/null (yes > /dev/null): a processor burnt for nothing (T1496)"
        case .elevatedBonus: "added to the strongest finding when it runs under sudo/doas/su"
        case .productionBonus: "added to any score of 20 or more when the environment is production"
        }
    }
}
