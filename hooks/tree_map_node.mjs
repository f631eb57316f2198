// DOT on standard input -> SVG on standard output, laid out by Graphviz's `dot`. Called by hooks/tree_map.py
// at build time; nothing of it reaches the site's pages as script.
//
// Why @viz-js/viz (Graphviz compiled to WebAssembly, from npm, pinned in package-lock.json) and not Debian's
// graphviz: `make setup` already installs the npm packages for both `make serve` and `make test`, offline
// once installed, with no apt step; and one exact Graphviz version on every machine (Debian 12 and 13
// ship different ones) lays the map out the same everywhere. The package is a single file with no
// dependencies, and it follows Graphviz's releases.
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const dot = Buffer.concat(chunks).toString("utf-8");
const viz = await instance();
const result = viz.render(dot, { format: "svg", engine: "dot" });
if (result.status !== "success") {
  const errors = result.errors.map((e) => `${e.level || "error"}: ${e.message.trim()}`).join("; ");
  process.stderr.write(`Graphviz could not lay out the tree map: ${errors}\n`);
  process.exit(1);
}
process.stdout.write(result.output);
