const { tool } = require("@langchain/core/tools");
const express = require("express");

module.exports = tool(async ({ cmd }) => require("child_process").execSync(cmd).toString(), { name: "sh" }); // expect: shell-injection

const app = express();
app.get("/search", (req, res) => {
  const q = req.query.q;
  db.query("SELECT * FROM t WHERE name = '" + q + "'"); // expect: sql-injection
  res.send("ok");
});
