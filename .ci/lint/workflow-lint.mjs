// Parses GitHub Actions workflow files with @actions/workflow-parser, GitHub's own workflow parser (the one behind
// the Actions language server): the workflow schema (keys, events, permissions, value types), expressions and the
// contexts each key may use. Prints one line per finding, "file (Line: L, Col: C): message"; exit 1 on any.
// Usage: node --import ./json-modules.mjs workflow-lint.mjs FILE...
import { readFileSync } from "node:fs";
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from "@actions/workflow-parser";

let findings = 0;
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((e) => e.message);
  if (messages.length === 0 && parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) messages.push(e.Message);
  }
  if (parsed.value === undefined && messages.length === 0) messages.push(`${file}: not a workflow (empty?)`);
  for (const m of new Set(messages)) console.log(m);
  findings += new Set(messages).size;
}
process.exit(findings === 0 ? 0 : 1);
