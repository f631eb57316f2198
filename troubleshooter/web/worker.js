// The Python side of the troubleshooter, in a module Web Worker: boots Pyodide from the site's own
// files, unpacks the engine the build packaged, and answers each request with troubleshooter.browser.handle.
import config from "./config.js";

const pyodideBase = new URL(config.pyodide, import.meta.url).href;

async function boot() {
  const { loadPyodide } = await import(pyodideBase + "pyodide.mjs");
  const [pyodide, engine] = await Promise.all([
    loadPyodide({ indexURL: pyodideBase }),
    fetch(new URL(config.engine, import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`${config.engine}: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
  ]);
  pyodide.unpackArchive(engine, "zip", { extractDir: "/engine" });
  pyodide.pyimport("sys").path.insert(0, "/engine");
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
