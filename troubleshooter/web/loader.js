// How the troubleshooter's Python starts, in one place: troubleshooter/web/worker.js runs it in the
// browser, and the site build runs the very same module under Node (hooks/runtime/node.mjs) to trace and
// check the runtime it ships, so the check tests what visitors run, not a copy of it.

/** Pyodide from `base` (a folder URL, or a path under Node) with the build's inline lock (so no
 *  pyodide-lock.json is fetched; it lists the engine's wheel, found in the folder `packages`) and, when
 *  given, the build's trimmed standard library `stdLib`. */
export async function bootPyodide(base, lock, packages, stdLib, extra = {}) {
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const options = { indexURL: base, lockFileContents: lock, packageBaseUrl: packages, ...extra };
  if (stdLib) options.stdLibURL = stdLib;
  return loadPyodide(options);
}

/** Install the engine's wheel by its name in the lock (Pyodide checks the file against the lock's sha256)
 *  and return its one entry point, troubleshooter.browser.handle. loadPackage reports a failure through
 *  its callbacks, not by rejecting: this turns it into an error that says what failed. */
export async function loadEngine(pyodide, name) {
  const errors = [];
  await pyodide.loadPackage(name, { messageCallback: () => {}, errorCallback: (line) => errors.push(line) });
  if (!(name in pyodide.loadedPackages)) {
    throw new Error(`the troubleshooter's package ${name} did not load: ${errors.join(" ") || "no reason given"}`);
  }
  return pyodide.pyimport("troubleshooter.browser").handle;
}
