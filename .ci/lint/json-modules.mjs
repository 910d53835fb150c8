// @actions/workflow-parser is published for bundlers: it imports its JSON schema without the import attribute
// Node requires (`with { type: "json" }`). This hook serves .json files to it as ES modules instead.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
      import { readFile } from "node:fs/promises";
      export async function load(url, context, nextLoad) {
        if (url.startsWith("file:") && url.endsWith(".json")) {
          const text = await readFile(new URL(url), "utf8");
          return { format: "module", source: "export default " + text + ";", shortCircuit: true };
        }
        return nextLoad(url, context);
      }`),
);
