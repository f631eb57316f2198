// The thin browser side of the troubleshooter: start the Python worker, pass it the answers, paint the
// HTML it returns. Nothing here decides anything or builds HTML from data: the engine and the renderer
// are Python (troubleshooter/), and every string painted here came escaped from it.

const BOOT_TIMEOUT_MS = 30000; // Pyodide does not always reject when a file fails to load

/** The Python engine in a module worker. Same-origin pages start it directly; a page of another origin
 *  (an embedding portal) cannot, so it starts a same-origin blob: worker that imports the real one. */
export class Engine {
  constructor(timeoutMs = BOOT_TIMEOUT_MS) {
    const url = new URL("./worker.js", import.meta.url);
    let script = url;
    if (url.origin !== location.origin) {
      const blob = new Blob([`import ${JSON.stringify(url.href)};`], { type: "text/javascript" });
      script = URL.createObjectURL(blob);
    }
    this.worker = new Worker(script, { type: "module" });
    this.calls = new Map();
    this.nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the Python engine took too long to start")), timeoutMs);
      const fail = (why) => { clearTimeout(timer); reject(new Error(why)); };
      this.worker.addEventListener("error", (e) => fail(e.message || "the worker failed to start"));
      this.worker.addEventListener("message", (e) => {
        const msg = e.data;
        if (msg.type === "ready") { clearTimeout(timer); resolve(this); }
        else if (msg.type === "failed") fail(msg.error);
        else if (msg.type === "step") {
          const call = this.calls.get(msg.id);
          this.calls.delete(msg.id);
          if (call) msg.error ? call.reject(new Error(msg.error)) : call.resolve(msg.response);
        }
      });
    });
  }

  /** One step: {query, lang, locked, articleBase} -> {html, kind, step, causes, facts, query, dropped}. */
  step(request) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }
}

/** Paints steps into one widget root. `state` says where the answers live: the page's URL, or memory. */
export class Widget {
  constructor(root, { engine, lang, articleBase = "", locked = {}, useUrl = false, onStep = null }) {
    Object.assign(this, { root, engine, lang, articleBase, locked, useUrl, onStep });
    this.live = root.querySelector(".ts-live");
    this.announcer = root.querySelector(".ts-announce");
    this.query = "";
    root.addEventListener("click", (e) => this.onClick(e));
  }

  onClick(event) {
    const link = event.target.closest("a");
    if (link && this.live.contains(link)) {
      const href = link.getAttribute("href") || "";
      if (href.startsWith("?")) {
        event.preventDefault();
        this.show(href, { push: true, focus: true });
      }
    }
    const copy = event.target.closest(".ts-copy");
    if (copy && this.live.contains(copy)) this.copySummary(copy);
  }

  async show(query, { push = false, focus = false } = {}) {
    const res = await this.engine.step({ query, lang: this.lang, locked: this.locked, articleBase: this.articleBase });
    this.query = res.query;
    if (this.useUrl) {
      const url = location.pathname + res.query;
      push ? history.pushState(null, "", url) : history.replaceState(null, "", url);
    }
    const doc = new DOMParser().parseFromString(res.html, "text/html");
    this.live.replaceChildren(...doc.body.childNodes);
    for (const button of this.live.querySelectorAll(".ts-copy")) button.hidden = false;
    const title = this.live.querySelector(".ts-title");
    if (focus && title) title.focus({ preventScroll: false });
    if (this.announcer) {
      const causes = [...this.live.querySelectorAll(".ts-cause h3")].map((h) => h.textContent);
      this.announcer.textContent = [title ? title.textContent : "", ...causes].join(". ");
    }
    if (res.dropped.length) console.warn("troubleshooter: ignored", res.dropped.join(", "));
    if (this.onStep) this.onStep(res);
    return res;
  }

  async copySummary(button) {
    const text = this.live.querySelector(".ts-summary-text");
    try {
      await navigator.clipboard.writeText(text.value);
    } catch {
      text.select(); // the person can still copy it by hand
      return;
    }
    button.textContent = button.dataset.done;
  }
}

/** Point the site's language switcher at the same answers in the other language. */
function syncLanguageLinks(query) {
  for (const link of document.querySelectorAll("a[hreflang]")) {
    const url = new URL(link.href);
    url.search = query;
    url.hash = "";
    link.href = url.href;
  }
}

/** The site's troubleshooter page: keeps answers given on the static steps in the URL, then lets the
 *  live engine take over at the same step. */
export function mountPage(root) {
  const status = root.querySelector(".ts-status");
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  let pending = null;
  let widget = null;
  syncLanguageLinks(location.search);
  // Before the engine is live the static steps navigate by #anchors; record each answer in the query.
  root.addEventListener("click", (e) => {
    const link = e.target.closest(".ts-steps a");
    if (!link || widget) return;
    if (link.dataset.fact) {
      const q = new URLSearchParams(location.search);
      q.set(link.dataset.fact, link.dataset.value);
      pending = "?" + q;
    } else if (link.classList.contains("ts-restart")) pending = "";
  });
  addEventListener("hashchange", () => {
    if (pending !== null && !widget) {
      history.replaceState(null, "", location.pathname + pending + location.hash);
      syncLanguageLinks(pending);
    }
    pending = null;
  });
  say(root.dataset.msgLoading);
  const engine = new Engine();
  engine.ready
    .then(() => {
      const w = new Widget(root, {
        engine, lang: root.dataset.lang, articleBase: root.dataset.articleBase, useUrl: true,
        onStep: (res) => {
          syncLanguageLinks(res.query);
          root.dispatchEvent(new CustomEvent("troubleshooter-step", { detail: res }));
        },
      });
      return w.show(location.search).then(() => w);
    })
    .then((w) => {
      widget = w;
      root.querySelector(".ts-steps").hidden = true;
      w.live.hidden = false;
      say("");
      root.dataset.engine = "pyodide";
      addEventListener("popstate", () => w.show(location.search));
    })
    .catch((err) => {
      console.error("troubleshooter:", err);
      say(root.dataset.msgEngineFailed);
    });
}
