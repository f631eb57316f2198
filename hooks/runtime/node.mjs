// Pyodide under Node at site build, driven by hooks/runtime/build.py (never by hand). Offline: it loads
// Pyodide from node_modules only and fetches nothing. It starts Pyodide and the engine with the browser
// worker's own module (troubleshooter/web/loader.js), so what it checks is what visitors run.
//
//   node hooks/runtime/node.mjs JOB.json RESULT.json
//
// mode "prepare" is steps 1 and 2 of hooks/runtime/build.py (trace, then compile inside this Pyodide with
// hooks/runtime/inside.py); mode "check" is its step 3, and reports the first failure.
// Failures of the Python side are reported in RESULT.json (the build turns them into one readable
// message); only a broken driver exits non-zero.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { bootPyodide, loadEngine } from "../../troubleshooter/web/loader.js";

function digest(text) {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Every request through `handle`, as the worker calls it; a short hash of each response. */
function answerAll(handle, requests) {
  const hashes = [];
  for (const request of requests) {
    try {
      hashes.push(digest(handle(request)));
    } catch (err) {
      return { hashes, failed: { request, err } };
    }
  }
  return { hashes, failed: null };
}

/** An error raised inside the engine's own code (handle() given a number), as the console would show it. */
function engineErrorText(handle) {
  try {
    handle(42);
  } catch (err) {
    return String(err && err.message || err);
  }
  return "";
}

function stdlibModules(pyodide) {
  // Only `sys` here: this runs after the trace and must not import anything itself.
  return pyodide.runPython(`
import sys
_prefix = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip/"
sorted({m.__file__[len(_prefix):] for m in list(sys.modules.values())
        if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(_prefix)})
`).toJs();
}

// What Python printed while booting: a start-up that fails names the missing module only there.
const printed = [];

function boot(job, stdLib, env = {}) {
  const print = (line) => printed.push(line);
  return bootPyodide(job.pyodide, job.lock, job.packages, stdLib, { env, stdout: print, stderr: print });
}

function failure(stage, err, extra = {}) {
  const message = [String(err && err.message || err), ...printed.slice(-20)].join("\n");
  return { ok: false, stage, message, ...extra };
}

async function prepare(job) {
  const t0 = performance.now();
  // No column tables in the code it compiles (tracebacks keep file and line, lose the ^^^ markers):
  // a smaller stdlib zip. The browser's own Pyodide runs with the default.
  const pyodide = await boot(job, null, { PYTHONNODEBUGRANGES: "1" });
  const bootMs = performance.now() - t0;
  const handle = await loadEngine(pyodide, job.engine);
  const answered = answerAll(handle, job.requests);
  if (answered.failed) return failure("trace", answered.failed.err, { request: answered.failed.request });
  const errorText = engineErrorText(handle);
  const traced = stdlibModules(pyodide);

  const sys = pyodide.pyimport("sys");
  const stdlibPath = `/lib/python${sys.version_info.major}${sys.version_info.minor}.zip`;
  const all = pyodide.runPython(`import zipfile; zipfile.ZipFile(${JSON.stringify(stdlibPath)}).namelist()`).toJs();
  const whole = all.filter((name) => name.endsWith(".py") && job.wholePackages.some((p) => name.startsWith(p + "/")));
  const entries = [...new Set([...traced, ...whole])].sort();

  pyodide.FS.mkdirTree("/build");
  pyodide.FS.writeFile("/build/runtime_inside.py", fs.readFileSync(job.inside));
  const wheel = path.basename(job.wheel);
  pyodide.FS.writeFile(`/build/${wheel}`, new Uint8Array(fs.readFileSync(job.wheel)));
  sys.path.insert(0, "/build");
  const inside = pyodide.pyimport("runtime_inside");
  inside.compile_stdlib(entries, stdlibPath, "/build/stdlib.zip");
  // where Pyodide installed the wheel, so the .pyc name the paths its tracebacks will show
  const sitePackages = pyodide.runPython("import troubleshooter, pathlib; str(pathlib.Path(troubleshooter.__file__).parents[1])");
  fs.mkdirSync(path.join(job.out, "packages"), { recursive: true });
  // .pyc only for the engine modules the trace imported: the CLI's and the docs' views never run here
  const imported = pyodide.runPython("import sys; sorted(m for m in sys.modules if m.split('.')[0] == 'troubleshooter')").toJs();
  inside.compile_engine(`/build/${wheel}`, `/build/out-${wheel}`, sitePackages, imported);
  fs.writeFileSync(path.join(job.out, "stdlib.zip"), pyodide.FS.readFile("/build/stdlib.zip"));
  fs.writeFileSync(path.join(job.out, "packages", wheel), pyodide.FS.readFile(`/build/out-${wheel}`));
  return { ok: true, traced, entries, hashes: answered.hashes, errorText, bootMs, stdlibPath };
}

async function check(job) {
  const t0 = performance.now();
  let pyodide;
  try {
    pyodide = await boot(job, job.stdlib);
  } catch (err) {
    return failure("boot", err);
  }
  const bootMs = performance.now() - t0;
  let handle;
  try {
    handle = await loadEngine(pyodide, job.engine);
  } catch (err) {
    return failure("import", err);
  }
  const answered = answerAll(handle, job.requests);
  if (answered.failed) return failure("request", answered.failed.err, { request: answered.failed.request });
  return { ok: true, hashes: answered.hashes, errorText: engineErrorText(handle), bootMs, imported: stdlibModules(pyodide) };
}

const [jobPath, resultPath] = process.argv.slice(2);
if (!jobPath || !resultPath) {
  console.error("usage: node hooks/runtime/node.mjs JOB.json RESULT.json (run by the site build)");
  process.exit(2);
}
const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
// Pyodide also rejects a second, internal promise on some failures (a lock with the wrong ABI): Node
// would end the process on it before the reason reaches RESULT.json. loadPyodide rejects too, and that
// is what gets reported.
process.on("unhandledRejection", () => {});
let result;
try {
  result = job.mode === "prepare" ? await prepare(job) : await check(job);
} catch (err) {
  result = failure(job.mode, err && err.stack ? err.stack : err);
}
fs.writeFileSync(resultPath, JSON.stringify(result));
process.exit(0);
