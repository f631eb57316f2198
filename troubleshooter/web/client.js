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

/** Paints steps into one widget root. `urlMode` says whether answers also go into the page's URL. */
export class Widget {
  constructor(root, { engine, lang = "zh", articleBase = "", locked = {}, urlMode = null, linkTarget = null, onStep = null }) {
    Object.assign(this, { root, engine, lang, articleBase, locked, urlMode, linkTarget, onStep });
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
    if (this.urlMode) { // "push" or "replace": keep the answers in the page's URL
      const url = location.pathname + res.query;
      push && this.urlMode === "push" ? history.pushState(null, "", url) : history.replaceState(null, "", url);
    }
    const doc = new DOMParser().parseFromString(res.html, "text/html");
    this.live.replaceChildren(...doc.body.childNodes);
    if (this.linkTarget) { // inside a portal, articles open beside it rather than replacing it
      for (const a of this.live.querySelectorAll('a[href]:not([href^="?"])')) {
        a.target = this.linkTarget;
        a.rel = "noopener";
      }
    }
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

/** Any object as a query string, without judging it: Python decides what is valid. */
function toQuery(facts) {
  const query = new URLSearchParams();
  if (facts && typeof facts === "object" && !Array.isArray(facts)) {
    for (const [name, value] of Object.entries(facts)) {
      query.append(name, value !== null && typeof value === "object" ? JSON.stringify(value) : String(value));
    }
  }
  return "?" + query;
}

/** The site's troubleshooter page (see page.js, which loads this): once the engine is live, it takes
 *  over at the step the URL describes. Resolves when live; rejects when the engine cannot start. */
export async function mountPage(root) {
  const engine = await new Engine().ready;
  const widget = new Widget(root, {
    engine, lang: root.dataset.lang, articleBase: root.dataset.articleBase, urlMode: root.dataset.urlMode || "push",
    onStep: (res) => root.dispatchEvent(new CustomEvent("troubleshooter-step", { detail: res })),
  });
  // The embed page (embed-frame.js) passes a portal's facts this way; Python checks them like any query.
  root.addEventListener("troubleshooter-set-facts", (e) => widget.show(toQuery(e.detail)));
  await widget.show(location.search);
  root.querySelector(".ts-steps").hidden = true;
  widget.live.hidden = false;
  root.dataset.engine = "pyodide";
  addEventListener("popstate", () => widget.show(location.search));
  return widget;
}
