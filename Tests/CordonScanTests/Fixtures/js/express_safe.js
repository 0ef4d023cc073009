const express = require("express");
const { execFile } = require("child_process");

const app = express();
app.get("/search", (req, res) => {
  const q = req.query.q;
  db.query("SELECT * FROM t WHERE name = ?", [q]);
  execFile("grep", ["-r", "--", q, "docs/"], (err, out) => res.send(out));
});
