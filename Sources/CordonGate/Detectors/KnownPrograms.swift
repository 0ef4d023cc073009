// Programs the gate knows: Debian 12's /usr/bin and /usr/sbin as shipped on the build machine,
// plus common developer, cloud and security tools. A program outside this list gets the small
// `unknown-program` score (never a decision on its own), and `./NAME` for a NAME in this list
// is a copy of a system program (the setuid-copy pattern).

enum KnownPrograms {
  static let names: Set<String> = Set(list.split(separator: " ").map(String.init)).union(builtins)

  /// Shell builtins and keywords: not files on disk, but certainly known.
  static let builtins: Set<String> = [
    "export", "cd", "source", ".", "set", "unset", "alias", "unalias", "read", "local", "declare",
    "eval", "exec",
    "exit", "return", "shift", "trap", "wait", "true", "false", ":", "test", "[", "[[", "echo",
    "printf", "pushd",
    "popd", "type", "ulimit", "umask", "history", "jobs", "fg", "bg", "builtin", "command", "let",
    "readonly",
    "typeset", "getopts", "hash", "times", "enable", "shopt", "complete", "mapfile", "readarray",
    "disown", "suspend",
    "logout", "break", "continue", "compgen", "dirs", "help", "bind", "caller", "coproc", "fc",
    "kill", "select",
    "function", "time", "setopt", "unsetopt", "autoload", "zle", "bindkey", "compdef", "emulate",
    "print", "whence",
    "where", "rehash", "abbr", "funced", "funcsave", "set_color", "string", "math", "status",
    "contains",
  ]

  static func contains(_ name: String) -> Bool { names.contains(name) }

  private static let list = """
    7z 7za 7zr FileCheck-14 LICENSE.txt X11 aa-exec ab accessdb ack add-apt-repository add-shell addgnupghome
    addgroup addpart addr2line adduser ag age agetty alpine ansible ansible-galaxy ansible-playbook ansible-test
    anthoscli aoss apache2ctl apk applygnupgdefaults appres appstreamcli apropos apt apt-add-repository apt-cache
    apt-cdrom apt-config apt-get apt-key apt-mark aptitude ar arch aria2c arj arp arpd artisan as ascii-xfr
    ascii85 aspell at atobm atop atq atrm autoconf automake awk aws az b2sum badblocks base32 base58 base64
    basename basenc basez bash bashbug bat batch bazel bc bconsole black blkdeactivate blkdiscard blkid blkzone
    blockdev bpftrace bq brew bridge btop buck bugpoint bugpoint-14 buildah bun bundle bundler bunzip2 busctl
    busybox bwrap byebug bzcat bzcmp bzdiff bzegrep bzexe bzfgrep bzgrep bzip2 bzip2recover bzless bzmore c++
    c++filt c89 c89-gcc c99 c99-gcc c_rehash cabal callgrind_annotate callgrind_control capsh captoinfo cargo cat
    catman cbt cc cdist celery certbot cg_annotate cg_diff cg_merge chage chattr chcon chcpu check_by_ssh
    check_cups check_log check_memory check_raid check_ssl_cert check_statusfile chfn chgpasswd chgrp chmem chmod
    choom chown chpasswd chroot chrt chsh cksum clamscan clang clang++ clear clear_console clickhouse-client
    clippy-driver cloc clojure clusterdb cmake cmp cobc code col colcrt colrm column comm composer conda convert
    corelist corepack count-14 cowsay cowthink cp cpan cpan5.36-x86_64-linux-gnu cpanm cpgr cpio cpp cpp-12 cppw
    cpulimit cqlsh crash createdb createlang createuser crontab cscope cscope-indexer csh csplit csvtool ctags
    ctags-universal ctrlaltdel ctstat cupsfilter curl cut dash date dbus-cleanup-sockets dbus-daemon dbus-monitor
    dbus-run-session dbus-send dbus-uuidgen dc dcb dd deb-systemd-helper deb-systemd-invoke debconf
    debconf-apt-progress debconf-communicate debconf-copydb debconf-escape debconf-set-selections debconf-show
    debugfs delgroup delpart delta deluser deno derb dev_appserver.py devlink df dh_installxmlcatalogs dialog diff
    diff3 dig dir dircolors dirmngr dirmngr-client dirname distcc django-admin dmesg dmidecode dmsetup dmstats dnf
    dnsdomainname docker docker-credential-gcloud doctl domainname dos2unix dosbox dotnet dpkg dpkg-architecture
    dpkg-buildflags dpkg-buildpackage dpkg-checkbuilddeps dpkg-deb dpkg-distaddfile dpkg-divert
    dpkg-fsys-usrunmess dpkg-genbuildinfo dpkg-genchanges dpkg-gencontrol dpkg-gensymbols dpkg-maintscript-helper
    dpkg-mergechangelogs dpkg-name dpkg-parsechangelog dpkg-preconfigure dpkg-query dpkg-realpath dpkg-reconfigure
    dpkg-scanpackages dpkg-scansources dpkg-shlibdeps dpkg-source dpkg-split dpkg-statoverride dpkg-trigger
    dpkg-vendor dropdb droplang dropuser dstat dsymutil dsymutil-14 du duckdb duf dumpe2fs dumpsexp duplicates
    dust dvips dwp e2freefrag e2fsck e2image e2label e2mmpstatus e2scrub e2scrub_all e2undo e4crypt e4defrag
    easy_install eb echo ed editor editres efax egrep elfedit elvish emacs emerge enc2xs encguess enscript env
    envsubst eqn erb esbuild escapesrc eslint espeak etags ex exa exiftool expand expect expiry expr eza facter
    factor faillock faillog faked-sysv faked-tcp fakeroot fakeroot-sysv fakeroot-tcp fallocate false fc-cache
    fc-cat fc-conflist fc-list fc-match fc-pattern fc-query fc-scan fc-validate fd ffmpeg ffprobe fgrep file
    filefrag fincore find findfs findmnt finger firebase fish flake8 flask flatpak flock flyctl fmt fold fping
    free fsck fsck.cramfs fsck.ext2 fsck.ext3 fsck.ext4 fsck.minix fsfreeze fstab-decode fstrim ftp funzip fuser
    fx fzf g++ g++-12 gapplication gawk gcc gcc-12 gcc-ar gcc-ar-12 gcc-nm gcc-nm-12 gcc-ranlib gcc-ranlib-12
    gcloud gcloud-crc32c gcore gcov gcov-12 gcov-dump gcov-dump-12 gcov-tool gcov-tool-12 gdb gdb-add-index gdbtui
    gdbus gdk-pixbuf-csource gdk-pixbuf-pixdata gdk-pixbuf-thumbnailer gem genbrk gencat genccode gencfu gencmn
    gencnval gendict genie genisoimage genl gennorm2 genrb gensprep geqn getcap getconf getent getopt getpcaps
    gettext gettext.sh gettextize getty gh ghc ghci gimp ginsh gio gio-querymodules git git-credential-gcloud.sh
    git-receive-pack git-shell git-upload-archive git-upload-pack gke-gcloud-auth-plugin glab glances
    glib-compile-schemas gmake go gofmt golangci-lint gold gp-archive gp-collect-app gp-display-html
    gp-display-src gp-display-text gpasswd gpg gpg-agent gpg-connect-agent gpg-wks-server gpg-zip gpg2 gpgcompose
    gpgconf gpgparsemail gpgrt-config gpgsm gpgsplit gpgtar gpgv gpic gprof gprofng gradle grc grep gresource
    groff grog gron grops grotty groupadd groupdel groupmems groupmod groups grpck grpconv grpunconv gs gsettings
    gsutil gtbl gtester gtk-update-icon-cache gunicorn gunzip gzexe gzip h2ph h2xs halt hardlink hd head heaptrack
    heaptrack_print helix helm helpztags heroku hexdump highlight hmac256 host hostid hostname hostnamectl hping3
    htop http httpie hub hwclock hx hyperfine i386 iconv iconvconfig icuexportdata icuinfo icupkg id identify
    ifconfig iftop imagemagick influx infocmp infotocap init initdb install install-sgmlcatalog installkernel
    instmodsh invoke-rc.d ionice ip ipcmk ipcrm ipcs ipmaddr iptunnel ipython irb ischroot isort isosize ispell
    issues jar jarsigner java javac javadoc javap jcmd jconsole jdb jdeprscan jdeps jest jexec jfr jhsdb jimage
    jinfo jjs jlink jmap jmod joe join journalctl jpackage jps jq jrunscript jshell json_pp jstack jstat jstatd
    jtag julia jupyter k3s k9s kbxutil kernel-install keytool kill killall killall5 kind knife kotlin kotlinc kpt
    ksh ksshell ksu kubectl kustomize last lastb lastlog latex latexmk launchctl lcf ld ld.bfd ld.gold ld.so
    ldattach ldconfig ldd lein less lessecho lessfile lesskey lesspipe lexgrog lftp libgcrypt-config libnetcfg
    libpng-config libpng16-config libtool link links linux32 linux64 listres llc llc-14 lldb lli lli-14
    lli-child-target-14 ln lnstat local-extract locale locale-gen localectl localedef logger login loginctl
    logname logsave look losetup lp ls lsattr lsb_release lsblk lscpu lsd lsfd lsipc lsirq lslocks lslogins lsmem
    lsns lsof lspgpot lto-dump lto-dump-12 ltrace lua luajit lualatex luarocks luatex luit lwp-download
    lwp-request lz4 lz4c lz4cat lzcat lzcmp lzdiff lzegrep lzfgrep lzgrep lzless lzma lzmainfo lzmore magick mail
    make make-first-existing-target make-ssl-cert makeconv mamba man man-recode mandb manpath mariadb masscan mawk
    mcookie md5sum md5sum.textutils memusage memusagestat mesg meson micro mii-tool minicom minikube mkdir mke2fs
    mkfifo mkfs mkfs.bfs mkfs.cramfs mkfs.ext2 mkfs.ext3 mkfs.ext4 mkfs.minix mkhomedir_helper mklost+found mknod
    mkswap mktemp mongo mongosh mono more mosquitto mount mountpoint mpicalc ms_print msfconsole msgattrib msgcat
    msgcmp msgcomm msgconv msgen msgexec msgfilter msgfmt msggrep msginit msgmerge msgunfmt msguniq mtr mtrace
    multitime mv mvn mvnDebug mypy mysql mysqldump namei nameif nano nasm nawk nc ncat ncdu ncftp ncurses5-config
    ncurses6-config ncursesw5-config ncursesw6-config neofetch neqn nerdctl netcat netlify netstat networkctl
    newgrp newusers nft ngettext nice ninja nisdomainname nix nix-env nl nm nmap node nodejs nohup nologin not-14
    nox npm nproc npx nroff nsenter nslookup nspr-config nss-config nstat ntpdate numfmt nvim obj2yaml obj2yaml-14
    objcopy objdump ocs octave od openssl openvpn openvt opkg opt opt-14 optscript osslsigncode packer pacman
    pager pam-auth-update pam_getenv pam_namespace_helper pam_timestamp_check pandoc parallel partx passwd paste
    patch pathchk pax pdb pdb3 pdb3.11 pdflatex pdftex pdftotext pdm peekfd perf perl perl5.36-x86_64-linux-gnu
    perl5.36.0 perlbug perldoc perlivp perlthanks pexec pg pg_archivecleanup pg_backupcluster pg_basebackup
    pg_buildext pg_config pg_config.libpq-dev pg_conftool pg_createcluster pg_ctl pg_ctlcluster pg_dropcluster
    pg_dump pg_dumpall pg_isready pg_lsclusters pg_receivewal pg_receivexlog pg_recvlogical pg_renamecluster
    pg_restore pg_restorecluster pg_updatedicts pg_upgradecluster pg_virtualenv pgbench pgrep php phpunit pic pico
    piconv pidof pidstat pidwait pigz pinentry pinentry-curses ping pinky pip pip3 pip3.11 pipx pivot_root
    pkaction pkcheck pkcon pkexec pkg pkg-config pkgconf pkgdata pkill pkmon pkttyagent pl2pm pldd plipconfig pm2
    pmap png-fix-itxt pngfix pnpm pod2html pod2man pod2text pod2usage podchecker podman poetry policy-rc.d port
    postgres poweroff pr preconv prettier printenv printf prlimit procs prove prtstat pry ps psftp pslog psql
    pstree pstree.x11 ptar ptardiff ptargrep ptx pulumi puppet pwck pwconv pwd pwdx pwhistory_helper pwsh pwunconv
    py3clean py3compile py3versions pydoc3 pydoc3.11 pygettext3 pygettext3.11 pygmentize pylint pytest python
    python-argcomplete-tcsh python2 python3 python3-config python3.11 python3.11-config pzstd qpdf rails rake
    ranlib rar rarp rbash rc rdma readelf readlink readprofile readtags realpath reboot recode-sr-latin red
    redcarpet redis redis-cli register-python-argcomplete reindexdb remove-shell rename.ul renice reset resize2fs
    resizepart restic rev rg rgrep rlogin rlwrap rm rmdir rmiregistry rmt rmt-tar rollup route routel rpcgen rpm
    rpmdb rpmquery rpmverify rspec rsync rtacct rtcwake rtmon rtorrent rtstat rubocop ruby ruff run-mailcap
    run-parts runcon runlevel runscript runuser rustc rustfmt rustup rview rvim sanstats sanstats-14 sash savelog
    sbt scala scalar scanmem scons scp screen script scriptlive scriptreplay scrot sd sdiff sed select-editor
    sensible-browser sensible-editor sensible-pager seq serialver service setarch setcap setfacl setlock setpriv
    setsid setterm sftp sg sh sha1sum sha224sum sha256sum sha384sum sha512sum shadowconfig shasum shred shuf
    shutdown size skill skopeo slabtop slattach sleep slogin slsh smbclient snap snice socat socket soelim
    softlimit sops sort sotruss splain split split-file-14 sprof sqlite3 sqlmap ss ssh ssh-add ssh-agent ssh-argv0
    ssh-copy-id ssh-keygen ssh-keyscan sshd sshpass start-stop-daemon stat stdbuf strace strace-log-merge
    streamzip strings strip stty su subl sudo sulogin sum supervisorctl swaplabel swapoff swapon swift swiftc
    switch_root sync sysctl systemctl systemd systemd-analyze systemd-ask-password systemd-cat systemd-cgls
    systemd-cgtop systemd-creds systemd-cryptenroll systemd-delta systemd-detect-virt systemd-escape
    systemd-firstboot systemd-id128 systemd-inhibit systemd-machine-id-setup systemd-mount systemd-notify
    systemd-path systemd-repart systemd-resolve systemd-run systemd-socket-activate systemd-stdio-bridge
    systemd-sysext systemd-sysusers systemd-tmpfiles systemd-tty-ask-password-agent systemd-umount tabs tac tail
    tar tarcat task taskset tasksh tbl tc tclsh tclsh8.6 tcltk-depends tcpdump tdbtool tee telinit telnet tempfile
    terraform terragrunt test tex tftp tic time timedatectl timeout tipc tload tmate tmux toe tofu tokei tomlq top
    torify torsocks touch tox toybox tput tr traceroute tree troff true truncate ts-node tsc tset tshark tsort tty
    tune2fs tzselect ucf ucfq ucfr uclampset uconv ul umount uname uncompress unexpand uniq unix_chkpwd
    unix_update unlink unlz4 unlzma unrar unshare unsquashfs unxz unzip unzipsfx unzstd update-alternatives
    update-ca-certificates update-catalog update-icon-caches update-java-alternatives update-locale
    update-mime-database update-passwd update-rc.d update-shells update-xmlcatalog uptime useradd userdel usermod
    users utmpdump uudecode uuencode uv uvicorn vacuumdb vacuumlo vagrant valgrind valgrind-di-server
    valgrind-listener valgrind.bin validlocale varnishncsa vault vdir vdpa vercel verify-uselistorder
    verify-uselistorder-14 vgdb vi view viewres vigr vim vim.basic vimdiff vimtutor vipw virsh vite vitest vmstat
    volatility w w3m wall watch watchgnupg wc wdctl webpack wget whatis whereis which which.debianutils whiptail
    who whoami whois wipefs wireshark wish wish8.6 write x86_64 xargs xauth xcodebuild xdg-user-dir
    xdg-user-dirs-update xdotool xdpyinfo xdriinfo xelatex xetex xev xfd xfontsel xgettext xh xkill xlsatoms
    xlsclients xlsfonts xmessage xml2-config xmllint xmlsec1-config xmodmap xmore xpad xprop xq-python xslt-config
    xsubpp xvinfo xwininfo xxd xz xzcat xzcmp xzdiff xzegrep xzfgrep xzgrep xzless xzmore yaml-bench-14 yaml2obj
    yaml2obj-14 yarn yash yelp yes youtube-dl ypdomainname yq yt-dlp yum zathura zcat zcmp zdiff zdump zegrep
    zellij zfgrep zforce zgrep zic zip zipcloak zipdetails zipgrep zipinfo zipnote zipsplit zless zmap zmore znew
    zramctl zsh zsoelim zstd zstdcat zstdgrep zstdless zstdmt zypper
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}
