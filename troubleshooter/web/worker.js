// The Python side of the troubleshooter, in a module Web Worker: boots Pyodide from the site's own
// files, unpacks the engine the build packaged, and answers each request with troubleshooter.browser.handle.
//
// The build prepared what makes this fast (hooks/python_runtime.py): a standard library trimmed to what
// the engine imports and precompiled to .pyc (`config.stdlib`, instead of Pyodide's 2.5 MB of sources
// that it would compile on every visit), the engine precompiled too, and a minimal lock inline
// (`config.lock`, so no pyodide-lock.json request). Every file named here has a versioned or hashed name.
import config from "./config.js";

const here = import.meta.url;
const pyodideBase = new URL(config.pyodide, here).href;
const ENGINE_DIR = "/engine"; // hooks/runtime_node.mjs loads the engine the same way to check the build

function fetchBytes(name) {
  return fetch(new URL(name, here)).then((r) => {
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
}

async function boot() {
  const engine = fetchBytes(config.engine); // downloads while Pyodide starts
  engine.catch(() => {}); // reported when awaited below, not as an unhandled rejection
  const { loadPyodide } = await import(pyodideBase + "pyodide.mjs");
  const pyodide = await loadPyodide({
    indexURL: pyodideBase,
    stdLibURL: new URL(config.stdlib, here).href,
    lockFileContents: config.lock,
    packageBaseUrl: pyodideBase,
  });
  pyodide.unpackArchive(await engine, "zip", { extractDir: ENGINE_DIR });
  pyodide.pyimport("sys").path.insert(0, ENGINE_DIR);
  return pyodide.pyimport("troubleshooter.browser").handle;
}

const ready = boot();
ready.then(
  () => postMessage({ type: "ready" }),
  (err) => postMessage({ type: "failed", error: String((err && err.message) || err) }),
);

self.onmessage = async (event) => {
  const { id, request } = event.data;
  try {
    const handle = await ready;
    postMessage({ type: "step", id, response: JSON.parse(handle(JSON.stringify(request))) });
  } catch (err) {
    postMessage({ type: "step", id, error: String((err && err.message) || err) });
  }
};
