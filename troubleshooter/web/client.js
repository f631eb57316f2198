// The thin browser side of the troubleshooter: start the Python worker, pass it the answers, paint the
// HTML it returns. Nothing here decides anything or builds HTML from data: the engine and the renderer
// are Python (troubleshooter/), and every string painted here came escaped from it.
//
// Nothing may fail in silence: every call to the worker has a time limit, and a failed call ends the
// worker (it may be in any state), rejects what was waiting on it and tells the widget, which says so.
// The next action starts a new worker.

const LIMITS = {
  boot: 30000, // Pyodide does not always reject when a file fails to load
  step: 10000, // a step takes milliseconds; this only catches a worker that died or hangs
};

/** The time limits. Tests shorten them with `window.__iotTsTestTimeouts = {boot, step}` (an init script
 *  in tests/test_widget_failures.py), so that no test waits out the 30 s boot limit. */
function limits() {
  const override = globalThis.__iotTsTestTimeouts;
  const out = { ...LIMITS };
  for (const key of Object.keys(LIMITS)) {
    const ms = override && override[key];
    if (Number.isFinite(ms) && ms > 0) out[key] = ms;
  }
  return out;
}

/** One Python engine in a module worker. Same-origin pages start it directly; a page of another origin
 *  (an embedding portal) cannot, so it starts a same-origin blob: worker that imports the real one. */
export class Engine {
  constructor() {
    this.limits = limits();
    const url = new URL("./worker.js", import.meta.url);
    let script = url;
    if (url.origin !== location.origin) {
      const blob = new Blob([`import ${JSON.stringify(url.href)};`], { type: "text/javascript" });
      script = URL.createObjectURL(blob);
    }
    this.worker = new Worker(script, { type: "module" });
    this.calls = new Map();
    this.nextId = 1;
    this.failure = null;
    this.ready = new Promise((resolve, reject) => { this.started = resolve; this.notStarted = reject; });
    this.ready.catch(() => {}); // reported to whoever awaits it, not as an unhandled rejection
    const timer = setTimeout(() => this.fail(`the Python engine did not start within ${this.limits.boot / 1000} s`), this.limits.boot);
    this.ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
    this.worker.addEventListener("error", (e) => { e.preventDefault(); this.fail(e.message || "the engine's worker stopped"); });
    this.worker.addEventListener("messageerror", () => this.fail("the engine sent a message that could not be read"));
    this.worker.addEventListener("message", (e) => {
      const msg = e.data;
      if (msg.type === "ready") this.started(this);
      else if (msg.type === "failed") this.fail(msg.error);
      else if (msg.type === "step") {
        const call = this.calls.get(msg.id);
        if (!call) return;
        if (msg.error) this.fail(`the engine failed: ${msg.error}`); // rejects this call with the rest
        else {
          this.calls.delete(msg.id);
          call.resolve(msg.response);
        }
      }
    });
  }

  /** End this worker for good: reject the start and every waiting call with the reason. */
  fail(why) {
    if (this.failure) return;
    this.failure = new Error(why);
    this.worker.terminate();
    this.notStarted(this.failure);
    for (const call of this.calls.values()) call.reject(this.failure);
    this.calls.clear();
  }

  /** One step: {query, lang, locked, articleBase, profile?, profileInline?} -> {html, kind, step, causes,
   *  findings, facts, query, dropped, treeVersion, profile} (troubleshooter/browser.py). */
  step(request) {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`the engine did not answer within ${this.limits.step / 1000} s`), this.limits.step);
      const done = (fn) => (value) => { clearTimeout(timer); fn(value); };
      this.calls.set(id, { resolve: done(resolve), reject: done(reject) });
      try {
        this.worker.postMessage({ id, request });
      } catch (err) { // e.g. facts nested too deeply to copy: this request fails, the worker is fine
        this.calls.delete(id);
        clearTimeout(timer);
        reject(new Error(`the request could not be passed to the engine (${err.message})`));
      }
    });
  }
}

/** The page's one engine, shared by every widget on it; started on first use, and again on the next
 *  call after it failed (never in a loop: only an action of the person calls this). */
export class Engines {
  constructor() {
    this.current = null;
  }

  /** A started Engine, or a rejection saying why none could start. */
  get() {
    if (this.current && this.current.failure) {
      console.warn("troubleshooter: starting the engine again after:", this.current.failure.message);
      this.current = null;
    }
    this.current ??= new Engine();
    return this.current.ready;
  }
}

/** A portal's profile from its attribute or query parameter named `name` (`get` reads one): a shipped
 *  profile's id (`profile`) and the inline subset (`seller-name`, `restricted-regions`), passed to Python
 *  as they are; Python checks them and drops a bad one with a notice. */
export function profileFrom(get) {
  const inline = {};
  if (get("seller-name") != null) inline.sellerName = get("seller-name");
  if (get("restricted-regions") != null) inline.restrictedRegions = get("restricted-regions");
  return { profile: get("profile") || null, profileInline: Object.keys(inline).length ? inline : null };
}

/** Paints steps into one widget root. `urlMode` "push" keeps the answers in the page's URL (the site);
 *  "replace" keeps them in the current history entry's state and never rewrites the URL, which belongs
 *  to the portal that framed the page (it holds `origin` and the portal's facts). */
export class Widget {
  constructor(root, { engines, lang = "zh", articleBase = "", locked = {}, profile = null, profileInline = null,
    urlMode = null, linkTarget = null, onStep = null, onReport = null, onError = null }) {
    Object.assign(this, { root, engines, lang, articleBase, locked, profile, profileInline, urlMode, linkTarget, onStep, onReport, onError });
    this.live = root.querySelector(".ts-live");
    this.announcer = root.querySelector(".ts-announce");
    this.query = "";
    this.shown = null; // the engine's answer for the painted step
    this.seq = 0; // only the newest request may paint: older answers are stale
  }

  /** Listen for clicks until `signal` aborts (a web component listens only while it is connected). */
  listen(signal) {
    this.root.addEventListener("click", (e) => this.onClick(e), { signal });
  }

  /** Forget any request still under way (its answer will not be painted nor reported). */
  cancel() {
    this.seq++;
  }

  onClick(event) {
    const link = event.target.closest("a");
    if (link && this.live.contains(link)) {
      const href = link.getAttribute("href") || "";
      if (href.startsWith("?")) {
        event.preventDefault();
        const answer = link.matches(".ts-solved-link") ? "solved" : link.matches(".ts-still") ? "still_not_working" : null;
        const shown = this.shown;
        if (answer && shown && shown.kind === "result") { // "Did this fix it?", about the result on screen
          this.report("feedback", { answer, causes: shown.causes, findings: shown.findings, facts: shown.facts, treeVersion: shown.treeVersion });
        }
        this.show(href, { push: true, focus: true });
      }
    }
    const copy = event.target.closest(".ts-copy");
    if (copy && this.live.contains(copy)) this.copySummary(copy);
  }

  /** Ask the engine for the step at `query` and paint it. Never rejects: a failure goes to onError
   *  (and resolves null), as does an answer that a newer request made stale (without onError). */
  async show(query, { push = false, focus = false } = {}) {
    const seq = ++this.seq;
    let res;
    try {
      const engine = await this.engines.get();
      if (seq !== this.seq) return null;
      res = await engine.step({ query, lang: this.lang, locked: this.locked, articleBase: this.articleBase,
        profile: this.profile, profileInline: this.profileInline });
    } catch (err) {
      if (seq === this.seq && this.onError) this.onError(err);
      return null;
    }
    if (seq !== this.seq) return null;
    this.query = res.query;
    if (this.urlMode === "push") {
      const url = new URL(location.href); // never pathname + query: a "//x" path would be read as a host
      url.search = res.query;
      url.hash = "";
      push ? history.pushState(null, "", url.href) : history.replaceState(null, "", url.href);
    } else if (this.urlMode === "replace") {
      history.replaceState({ iotTs: { answers: res.query, facts: this.locked } }, "");
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
    this.shown = res;
    if (this.onStep) this.onStep(res);
    this.report("step", { step: res.step, kind: res.kind, facts: res.facts, treeVersion: res.treeVersion });
    if (res.kind === "result") {
      const summary = this.live.querySelector(".ts-summary-text");
      this.report("result", { causes: res.causes, findings: res.findings, facts: res.facts, treeVersion: res.treeVersion,
        summary: summary ? summary.value : "", lang: this.lang, profile: res.profile ?? null });
    }
    return res;
  }

  /** Tell the embedding portal (embed.js: DOM events; embed-frame.js: messages) what the person saw or
   *  said: "step", "result" or "feedback", each with the facts it was computed from. A copy each, so
   *  a listener that edits one cannot change another. The site's own page passes them to no one. */
  report(name, detail) {
    if (this.onReport) this.onReport(name, structuredClone(detail));
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

/** The embed page's state: the answers and any facts a portal sent, kept in the history entry so that
 *  a reload or Back restores them. The portal's facts in the URL count until it sends others. */
function embedState() {
  const saved = history.state && history.state.iotTs;
  const urlFacts = Object.fromEntries(new URLSearchParams(location.search)); // Python ignores `origin`
  return {
    answers: saved && typeof saved.answers === "string" ? saved.answers : "",
    facts: saved && saved.facts && typeof saved.facts === "object" ? saved.facts : urlFacts,
  };
}

/** The site's troubleshooter page and the embed page (see page.js, which loads this): once the engine is
 *  live, it takes over at the step the URL describes. Resolves when live; rejects when the engine cannot
 *  start. If the engine fails later, the static steps come back with the notice, and the next answer
 *  picked on them starts the engine again. */
export async function mountPage(root) {
  const engines = new Engines();
  await engines.get();
  const embedded = root.dataset.urlMode === "replace";
  // The embed page's URL belongs to the portal: its profile (`?profile=…&seller-name=…`) holds for the
  // frame's whole life. The site's own page has none.
  const params = new URLSearchParams(location.search);
  const { profile, profileInline } = embedded ? profileFrom((name) => params.get(name)) : {};
  const status = root.querySelector(".ts-status");
  const steps = root.querySelector(".ts-steps");
  const state = () => (embedded ? embedState().answers : location.search);

  function goLive() {
    steps.hidden = true;
    widget.live.hidden = false;
    status.hidden = true;
    root.dataset.engine = "pyodide";
  }

  let revive = false;
  function fallBack(err) {
    console.error("troubleshooter:", err);
    widget.live.hidden = true;
    steps.hidden = false;
    root.dataset.engine = "static";
    status.textContent = root.dataset.msgEngineFailed;
    status.hidden = false;
    revive = true;
  }
  // After a failure, the next answer picked on the static steps starts the engine again, once: a worker
  // that keeps failing is not restarted in a loop.
  root.addEventListener("click", (e) => {
    if (!revive || !e.target.closest(".ts-steps a")) return;
    revive = false;
    engines.get() // the answer is in the URL (page.js) by the time a new worker has started
      .then(() => widget.show(state()), (why) => console.error("troubleshooter:", why))
      .then((res) => res && goLive());
  });

  const widget = new Widget(root, {
    engines, lang: root.dataset.lang, articleBase: root.dataset.articleBase, urlMode: root.dataset.urlMode || "push",
    locked: embedded ? embedState().facts : {}, profile, profileInline, linkTarget: embedded ? "_blank" : null, onError: fallBack,
    onStep: (res) => root.dispatchEvent(new CustomEvent("troubleshooter-step", { detail: res })),
    // Only the embed page listens (embed-frame.js posts them to the portal); the site's page sends nothing.
    onReport: (name, detail) => root.dispatchEvent(new CustomEvent("troubleshooter-report", { detail: { name, detail } })),
  });
  widget.listen();
  // The embed page (embed-frame.js) passes a portal's facts this way: an object, checked by Python and
  // locked like the URL's (never asked, kept by "Start again").
  root.addEventListener("troubleshooter-set-facts", (e) => {
    widget.locked = e.detail;
    widget.show("").then((res) => res && goLive());
  });
  addEventListener("popstate", () => widget.show(state()));
  if (await widget.show(state())) goLive();
  return widget;
}
