// How the troubleshooter's Python starts, in one place: troubleshooter/web/worker.js runs it in the
// browser, and the site build runs the very same module under Node (hooks/runtime/node.mjs) to trace and
// check the runtime it ships, so the check tests what visitors run, not a copy of it.

export const ENGINE_DIR = "/engine"; // where the engine is unpacked; its precompiled .pyc name this path

/** Pyodide from `base` (a folder URL, or a path under Node) with the build's inline lock (so no
 *  pyodide-lock.json is fetched) and, when given, the build's trimmed standard library `stdLib`. */
export async function bootPyodide(base, lock, stdLib, extra = {}) {
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const options = { indexURL: base, lockFileContents: lock, packageBaseUrl: base, ...extra };
  if (stdLib) options.stdLibURL = stdLib;
  return loadPyodide(options);
}

/** Unpack the engine zip the build made and return its one entry point, troubleshooter.browser.handle. */
export function loadEngine(pyodide, engineZip) {
  pyodide.unpackArchive(engineZip, "zip", { extractDir: ENGINE_DIR });
  pyodide.pyimport("sys").path.insert(0, ENGINE_DIR);
  return pyodide.pyimport("troubleshooter.browser").handle;
}
