// `GET /approvals/:id`: the approvalUrl of an inspect answer, a small page showing what is
// asked and a form to approve or reject it with a token. Everything shown is escaped: the
// command and reasons come from the agent, which must not be able to script the approver's page.
import CordonAudit
import CordonBase
import CordonStore

enum ApprovalPage {
    static func render(id: String, approval: Result<Approval?, RequestFailure>) -> HTTPResponse {
        switch approval {
        case .failure(let f):
            return page(500, title: "cordon: error", body: "<p>\(escape(f.message))</p>")
        case .success(nil):
            return page(404, title: "cordon: no approval \(id)", body: "<p>No approval or action \(escape(id)).</p>")
        case .success(let a?):
            var body = """
                <table>
                <tr><th>status</th><td>\(escape(a.status.rawValue))</td></tr>
                <tr><th>agent</th><td>\(escape(a.agent))</td></tr>
                <tr><th>session</th><td>\(escape(a.session))</td></tr>
                <tr><th>score</th><td>\(a.score) (\(escape(a.level)))</td></tr>
                <tr><th>rule</th><td>\(escape(a.rule))</td></tr>
                <tr><th>asked</th><td><pre>\(escape(a.command))</pre></td></tr>
                <tr><th>reasons</th><td><ul>\(a.reasons.map { "<li>\(escape($0))</li>" }.joined())</ul></td></tr>
                </table>

                """
            if a.status == .pending {
                let target = escape(a.id)
                body += """
                    <form method="post" action="/approvals/\(target)/approve">
                    <label>token <input type="password" name="token" autocomplete="off"></label>
                    <label>note <input type="text" name="note"></label>
                    <button type="submit">approve</button>
                    <button type="submit" formaction="/approvals/\(target)/reject">reject</button>
                    </form>
                    <p>The token is the server's (--token-file) or your approver key ('cordon approvals key').</p>

                    """
            } else if let by = a.decidedBy {
                body +=
                    "<p>\(escape(a.status.rawValue)) by \(escape(by))\(a.note.map { ": " + escape($0) } ?? "")</p>\n"
            }
            return page(200, title: "cordon: approval \(a.id)", body: body)
        }
    }

    static func page(_ status: Int32, title: String, body: String) -> HTTPResponse {
        let html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:sans-serif;max-width:50em;margin:2em auto}th{text-align:left;padding-right:1em}
            pre{white-space:pre-wrap}</style></head>
            <body><h1>\(escape(title))</h1>
            \(body)</body></html>

            """
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
    }

    static func escape(_ s: String) -> String { HTML.escape(s) }
}
