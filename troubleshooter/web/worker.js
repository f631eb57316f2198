// The Python side of the troubleshooter, in a module Web Worker: boots Pyodide from the site's own
// files, installs the engine's wheel (`config.engine`, by name from the inline lock) and answers each
// request with troubleshooter.browser.handle.
//
// The build prepared what makes this fast (hooks/python_runtime.py): a standard library trimmed to what
// the engine imports and precompiled to .pyc (`config.stdlib`, instead of Pyodide's 2.5 MB of sources
// that it would compile on every visit), the engine's wheel with its .pyc too (in `config.packages`),
// and a lock inline that lists only that wheel (`config.lock`, so no pyodide-lock.json request). Every
// file named here has a versioned or hashed name. The start itself is loader.js, which the build runs
// under Node to check what it ships.
import config from "./config.js";
import { bootPyodide, loadEngine } from "./loader.js";

const here = import.meta.url;

async function boot() {
  const url = (name) => new URL(name, here).href;
  const pyodide = await bootPyodide(url(config.pyodide), config.lock, url(config.packages), url(config.stdlib));
  return loadEngine(pyodide, config.engine);
}

const ready = boot();
ready.then(
  () => postMessage({ type: "ready" }),
  (err) => postMessage({ type: "failed", error: String((err && err.message) || err) }),
);

// Failure injection, for tests only (tests/test_widget_failures.py): `self.__iotTsFault = "throw"` makes
// every step fail as if the engine had raised. A worker's global scope is out of reach of every page
// script, the site's and a portal's alike (they only hold a Worker handle to post to); only the browser's
// debugging protocol (Playwright's Worker.evaluate) can set it, so no production page turns it on.
function injectedFault() {
  if (self.__iotTsFault === "throw") throw new Error("injected failure (test)");
}

self.onmessage = async (event) => {
  const { id, request } = event.data;
  try {
    const handle = await ready;
    injectedFault();
    postMessage({ type: "step", id, response: JSON.parse(handle(JSON.stringify(request))) });
  } catch (err) {
    postMessage({ type: "step", id, error: String((err && err.message) || err) });
  }
};
