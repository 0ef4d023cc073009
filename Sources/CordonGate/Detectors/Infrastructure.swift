// Cloud and infrastructure changes: Kubernetes, Helm, Terraform, cloud CLIs, Docker, databases.

enum Infrastructure {
    static let cloudDeleteVerbs: [String] = [
        "delete", "rm", "terminate", "destroy", "remove", "purge", "rb", "deregister",
        "delete-bucket", "delete-stack", "terminate-instances", "delete-cluster",
        "delete-db-instance", "purge",
    ]
    /// The verbs with a `-` appended, built once (they were concatenated per verb per argument).
    static let cloudDeleteVerbPrefixes: [String] = cloudDeleteVerbs.map { $0 + "-" }

    /// `delete`, `rm`, ... or one of them followed by `-` (`delete-bucket`, `rm-foo`).
    static func isCloudDeleteVerb(_ w: String) -> Bool {
        // A prefix ending in `-` needs a `-` byte somewhere (no other spelling of `-` exists).
        cloudDeleteVerbs.contains(w)
            || w.utf8.contains(UInt8(ascii: "-")) && cloudDeleteVerbPrefixes.contains { w.hasPrefix($0) }
    }

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let sub = inv.subcommand ?? ""
        switch Name(p) {
        case "kubectl", "oc":
            if ["delete", "drain", "cordon", "replace"].contains(sub)
                || sub == "replace" && inv.has("--force")
            {
                a.hit(.infraDelete, k, reason: "\(p) \(sub) removes cluster resources")
            } else if [
                "apply", "scale", "patch", "edit", "rollout", "set", "create", "label", "annotate", "taint",
                // `debug` adds an ephemeral container to a pod, copies a pod, or starts a
                // privileged pod on a node: it creates workloads in the cluster.
                "autoscale", "debug",
            ].contains(sub) {
                if !(sub == "rollout" && args.contains(where: { $0 == "status" || $0 == "history" }))
                    && !inv.args.contains("--dry-run=client")
                {
                    a.hit(.infraChange, k, reason: "\(p) \(sub) changes the cluster")
                }
            }
        case "helm":
            if ["uninstall", "delete", "rollback"].contains(sub) {
                a.hit(.infraDelete, k, reason: "helm \(sub) removes a release")
            } else if ["install", "upgrade"].contains(sub) && !inv.has("--dry-run") {
                a.hit(.infraChange, k, reason: "helm \(sub) changes the cluster")
            }
        case "terraform", "tofu", "terragrunt", "pulumi":
            if sub == "plan" || sub == "preview" {
                break  // a plan changes nothing
            } else if sub == "destroy" || args.contains("-destroy") || (p.eq("pulumi") && sub == "destroy") {
                a.hit(.infraDelete, k, score: 85, reason: "\(p) destroy tears down infrastructure")
            } else if sub == "apply" || sub == "import" || (p.eq("pulumi") && sub == "up")
                || sub == "taint" || sub == "state" && args.contains("rm")
            {
                a.hit(
                    .infraChange, k, score: args.contains("-auto-approve") ? 65 : 50,
                    reason: "\(p) \(sub) changes real infrastructure")
            }
        case "aws", "gcloud", "az", "doctl", "linode-cli", "hcloud", "ibmcloud", "oci", "gsutil",
            "s3cmd", "rclone":
            let verbs = args.filter { !$0.hasPrefix("-") }
            if let v = verbs.first(where: isCloudDeleteVerb) {
                a.hit(.infraDelete, k, reason: "\(p) \(v) deletes cloud resources")
            } else if p.eq("aws") && verbs.first == "s3" && verbs.dropFirst().first == "sync"
                && args.contains("--delete")
            {
                a.hit(.infraDelete, k, score: 60, reason: "aws s3 sync --delete removes objects")
            }
        case "docker", "podman", "nerdctl":
            if sub == "rm" && inv.hasAny(["-f", "--force"])
                || sub == "rmi" && inv.hasAny(["-f", "--force"])
            {
                a.hit(
                    .infraDelete, k, score: 50, reason: "\(p) \(sub) -f force-removes containers or images")
            } else if ["system", "volume", "image", "container", "network", "builder"].contains(sub)
                && args.contains("prune")
            {
                a.hit(.containerPrune, k, reason: "\(p) \(sub) prune deletes data")
            } else if sub == "run" || sub == "create" || sub == "exec" {
                let sock = args.contains { $0.has("docker.sock") }
                let rootMount = args.enumerated().contains { j, x in
                    (x == "-v" || x == "--volume") && j + 1 < args.count
                        && (args[j + 1].hasPrefix("/:") || args[j + 1].hasPrefix("/etc:"))
                }
                if inv.hasAny([
                    "--privileged", "--pid=host", "--net=host", "--cap-add=ALL", "--cap-add=SYS_ADMIN",
                    "--userns=host",
                ]) || args.contains("--pid") && args.contains("host") || sock || rootMount {
                    a.hit(.containerPrivileged, k, reason: "\(p) \(sub) gives a container host-level access")
                }
            }
        case "psql", "mysql", "mariadb", "sqlite3", "sqlcmd", "mongo", "mongosh", "cqlsh",
            "clickhouse-client", "duckdb":
            let sql =
                (inv.value(of: "-c", "--command", "-e", "--execute", "--eval", "-Q")
                ?? (p.eq("sqlite3") || p.eq("duckdb") ? args.last ?? "" : "")).asciiLowercased
            if isDestructiveSQL(sql) {
                a.hit(
                    .databaseDestroy, k,
                    reason:
                        "\(p) runs destructive SQL: \(sql.utf8.count > 60 ? String(decoding: sql.utf8.prefix(60), as: UTF8.self) + "..." : sql)"
                )
            }
        case "dropdb", "dropuser":
            // Dropping a role loses no data; dropping a database does.
            a.hit(
                .databaseDestroy, k, score: p.eq("dropuser") ? 70 : nil,
                reason: "\(p) drops a \(p.eq("dropuser") ? "role" : "database")")
        case "redis-cli":
            if args.contains(where: { ["flushall", "flushdb"].contains($0.asciiLowercased) }) {
                a.hit(.databaseDestroy, k, reason: "redis-cli FLUSHALL deletes every key")
            }
        default:
            break
        }
        // Here-documents and here-strings fed to a database client.
        if p.eq("psql") || p.eq("mysql") || p.eq("mariadb") || p.eq("sqlite3"),
            let text = a[commandOf: k].redirects.compactMap(\.hereText).first,
            isDestructiveSQL(text.asciiLowercased)
        {
            a.hit(.databaseDestroy, k, reason: "\(p) is fed destructive SQL")
        }
    }

    static func isDestructiveSQL(_ s: String) -> Bool {
        if s.has("drop table") || s.has("drop database") || s.has("drop schema") || s.has("truncate ")
            || s.has("dropdatabase") || s.has("drop()") || s.has("drop keyspace")
        {
            return true
        }
        // DELETE or UPDATE without a WHERE clause.
        if (s.has("delete from") || s.has("update ")) && !s.has("where") { return true }
        return false
    }
}
