// Effects: databases, third-party services and permissions (gate-classes.md A6, A10, R4).

extension Effects {
    static let databaseClients: NameSet = [
        "snowsql",
        "psql", "mysql", "mariadb", "mongo", "mongosh", "redis-cli", "cqlsh", "sqlcmd", "clickhouse-client",
        "influx", "pgcli", "mycli", "usql", "dropdb", "createdb", "createuser", "dropuser", "pg_restore",
        "mysqladmin", "mongorestore", "mongoimport", "mongodump", "mongoexport", "pg_dump", "pg_dumpall",
        "mysqldump", "cockroach", "etcdctl", "memcflush", "valkey-cli", "keydb-cli", "arangosh", "cypher-shell",
        "neo4j-admin", "sqlplus", "isql", "bcp", "initdb", "pg_ctl", "pg_ctlcluster", "pg_upgrade", "pg_recvlogical",
        "pg_receivewal", "pg_basebackup", "pg_resetwal", "pg_rewind", "reindexdb", "vacuumdb", "clusterdb",
        "pg_createcluster", "pg_dropcluster", "mysql_upgrade", "mysql_secure_installation", "mysql_install_db",
        "mysqlcheck", "myisamchk", "mongofiles", "rsql", "rabbitmqctl", "rabbitmq-plugins", "influx_inspect",
        "cockroach", "surreal", "tidb-server", "litecli", "pgbench", "mysqlslap", "mariadb-admin",
        "mariadb-dump", "mariadb-upgrade", "pg_restore",
        // Hive's shells: a session with a Hive server or metastore.
        "hive", "beeline",
    ]

    static let thirdPartyServices: NameSet = [
        "llm", "sgpt", "shell-gpt", "aichat", "mods", "chatgpt", "gpt", "openai", "claude", "gemini", "tgpt",
        "fabric", "aider", "trans", "translate-shell", "crow", "deepl", "ntfy", "pushover", "telegram-send",
        // tgutil edits and deletes messages in a Telegram chat.
        "tgutil",
        "slack", "slack-cli", "signal-cli", "twilio", "ddgr", "googler", "snyk", "sonar-scanner", "codeclimate",
        "pastebinit", "termbin", "ix", "sprunge", "gist", "wgetpaste", "imgur", "hastebin", "sentry-cli",
        "discord", "teams", "matrix-commander", "toot", "twtxt", "rtv", "irssi", "weechat", "ollama",
        // Coding agents and LLM CLIs: a prompt with the project's code goes to the model's service.
        "copilot", "crush", "codex", "goose", "opencode", "cursor-agent", "qwen", "qwen-code", "gemini-cli",
        "amp", "kimi",
        // rgpt: a code review of the diff it is given, by OpenAI's models.
        "rgpt",
        // Shell commands generated from plain English by an LLM service (and run with `-r`).
        "oneliner",
        // Code rendered or files dropped by a web service.
        "carbon-now", "transfersh", "ffsend",
        // A bug report mailed to a distribution's tracker.
        "reportbug",
    ]
    /// Programs whose every run fetches content from a web service into the terminal (R4:
    /// news, search results, video streams), whatever options they are given.
    static let remoteContentClients: NameSet = ["hn", "tuxi", "onionsearch", "ani-cli"]
    /// Programs that write a message onto other users' terminals (R4: messaging), whatever
    /// they are given: `wall` reads the message from its input.
    static let terminalMessengers: NameSet = ["wall", "write", "talk", "ytalk", "rwall"]

    static let serviceLocalVerbs: NameSet = [
        "list", "ls", "ps", "show", "serve", "export", "models", "stats", "config", "version", "help", "logs",
        "completion", "sessions", "session", "debug",
    ]

    /// `initdb -D data`, `pg_ctl -D data init`: a new PostgreSQL cluster's files made in a
    /// relative directory, inside the workspace (L3); nothing connects or starts. (`initdb
    /// --pgdata /usr/local/var/postgres` writes outside it and still asks.)
    static func makesDatabaseCluster(_ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        guard p.eq("initdb") || p.eq("pg_ctl") && inv.positionals.contains(where: { $0 == "init" || $0 == "initdb" }),
            let dir = inv.value(of: "-D", "--pgdata")
        else { return false }
        return !dir.hasPrefix("/") && !dir.hasPrefix("~") && !dir.hasPrefix("$")
    }

    /// A10 and R4: database sessions, and text or code sent to third-party services.
    static func servicesAndData(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let sub = inv.positionals.first ?? ""
        if databaseClients.contains(p) {
            // L3: `initdb -D data`, `pg_ctl -D data init` make a new cluster's files in a
            // directory and start nothing (a directory outside the workspace is writesOutside's).
            let makesCluster = makesDatabaseCluster(inv)
            // `rabbitmqctl status`, `redis-cli info`-style admin reads aside (L7).
            if !makesCluster,
                !(args.count == 1 && (args[0] == "--version" || args[0] == "-V"))
                    && inv.positionals.first.map({ statusVerbs.contains($0) && args.first == $0 }) != true
            {
                a.hit(.databaseSession, k, reason: "\(p) opens a database session or changes a database")
            }
        }
        if remoteContentClients.contains(p), !inv.hasAny(["-h", "--help", "-v", "--version", "-V"]) {
            a.hit(.thirdPartyService, k, reason: "\(p) fetches content from a web service into the terminal")
            return
        }
        if terminalMessengers.contains(p) {
            a.hit(.thirdPartyService, k, reason: "\(p) sends a message to other users' terminals")
            return
        }
        // Their local subcommands (listing models, exporting a session, configuring) send nothing.
        // (`claude mcp list`, `opencode auth list`, `gist -l` list what is configured or stored.)
        // (`reportbug --output FILE` writes the report to a file instead of mailing it.)
        if thirdPartyServices.contains(p) && !args.isEmpty && !serviceLocalVerbs.contains(sub)
            && !(p.eq("reportbug") && inv.hasAny(["-o", "--output"]))
            && !readsAfter(inv.positionals) && !inv.hasAny(["-l", "--list"])
            // A model on this machine (`codex --oss --local-provider lmstudio`) is no third party.
            && !usesLocalModel(inv)
        {
            a.hit(.thirdPartyService, k, reason: "\(p) sends text or code to a third-party service")
        }
    }

    /// A6: permissions and ownership (setuid bits are Privilege's, and block).
    static func permissions(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "chmod", "chown", "chgrp", "setfacl", "chattr", "chcon", "lchown":
            let pos = inv.positionals
            if pos.count >= 2
                || p.eq("setfacl") && inv.hasAny(["-m", "-x", "-b", "-k", "-M", "-X", "--set", "--modify", "--remove"])
                || p.eq("chattr") && !pos.isEmpty
                || inv.hasAny(["--reference"]) && !pos.isEmpty
            {
                a.hit(.permissionChange, k, reason: "\(p) changes permissions or ownership")
            }
        case "umask":
            break  // the current shell only (L5)
        default:
            break
        }
    }

}
