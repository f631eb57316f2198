// <iot-troubleshooter lang="en" facts='{"balance":"arrears"}' profile="example-reseller"></iot-troubleshooter>
//
// The troubleshooter as a web component for carriers' and resellers' portals. Load this module from the
// help site (<script type="module" src="https://help.example/assets/troubleshooter/embed.js">); it finds
// everything else relative to its own URL. It renders in a Shadow DOM, starts the same Python worker as
// the site (through a same-origin blob: worker when the portal is on another origin), never asks what
// `facts` already says, and fires events for the portal's support desk (all bubble and cross shadow roots,
// each with the facts it was computed from; docs/*/integrate/embedding.md):
//   troubleshooter-step      {step, kind, facts, treeVersion}                                 each step
//   troubleshooter-result    {causes, findings, facts, treeVersion, summary, lang, profile}   each result
//   troubleshooter-feedback  {answer: "solved"|"still_not_working", causes, findings, facts, treeVersion}
// A portal's rules: `profile` (a shipped profile's id) and the inline `seller-name`, `restricted-regions`.
//
// One Widget per element for the element's whole life: frameworks remove and re-add elements when they
// re-render, so listeners live only while connected (an AbortController per connection), and an answer
// requested before a change of attributes or a removal is never painted nor reported.
import { Engines, Widget, profileFrom } from "./client.js";
import config from "./config.js";

const LANGS = Object.keys(config.langs); // each language's root from the site's (troubleshooter/langs.py)
const PROFILE_ATTRS = ["profile", "seller-name", "restricted-regions"];
const engines = new Engines(); // one Python worker, however many widgets a page has

// The component's markup and its own words (tree.toml [ui] component_*), both from config.js. The site's
// words (data-msg-* on its pages) promise "the simple version below", which only the site's pages have: in
// a portal there is nothing below, and a retry button.
const WORDS = config.component.words;

/** Facts from the attribute, as parsed JSON: Python checks them and names what it ignores. */
function parseFacts(text) {
  if (text == null || text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    console.warn(`iot-troubleshooter: the facts attribute is not valid JSON (${err.message}); it is ignored`);
    return {};
  }
}

class IotTroubleshooter extends HTMLElement {
  static observedAttributes = ["lang", "facts", ...PROFILE_ATTRS];

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("./widget.css", import.meta.url).href;
    const template = document.createElement("template");
    template.innerHTML = config.component.html; // written by troubleshooter/render.py (widget_html), like the site's
    const root = template.content.firstElementChild;
    shadow.append(style, root);
    this.root = root;
    this.retry = root.querySelector(".ts-retry");
    this.rendered = null; // the attributes the painted step was computed from
    this.scheduled = false;
    this.widget = new Widget(root, {
      engines, linkTarget: "_blank",
      onReport: (name, detail) => {
        this.dispatchEvent(new CustomEvent(`troubleshooter-${name}`, { detail, bubbles: true, composed: true }));
      },
      onError: (err) => this.failed(err),
    });
  }

  get language() {
    const lang = this.getAttribute("lang") || "zh";
    return LANGS.includes(lang) ? lang : "zh";
  }

  /** What the first step depends on: a re-added element whose attributes did not change keeps its step. */
  get attrKey() {
    return ["lang", "facts", ...PROFILE_ATTRS].map((name) => this.getAttribute(name)).join("\n");
  }

  connectedCallback() {
    this.connection = new AbortController();
    this.widget.listen(this.connection.signal);
    this.retry.addEventListener("click", () => this.show(this.widget.query), { signal: this.connection.signal });
    if (this.rendered !== this.attrKey) this.schedule();
  }

  disconnectedCallback() {
    this.connection.abort();
    this.widget.cancel();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.schedule();
  }

  /** Render once for any number of attribute changes made together. */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.isConnected) this.refresh();
    });
  }

  /** Show the first step for the current `lang`, `facts` and profile (the portal's facts are never undone). */
  refresh() {
    const lang = this.language;
    if (this.getAttribute("lang") && this.getAttribute("lang") !== lang) {
      console.warn(`iot-troubleshooter: lang must be one of ${LANGS.join(", ")}; using zh`);
    }
    this.root.lang = lang; // screen readers pick the right voice even on a page in another language
    Object.assign(this.widget, {
      lang, locked: parseFacts(this.getAttribute("facts")), ...profileFrom((name) => this.getAttribute(name)),
      articleBase: new URL(`../../${config.langs[lang]}`, import.meta.url).href,
    });
    if (this.root.dataset.engine !== "pyodide") this.say(WORDS[lang].loading);
    const key = this.attrKey;
    this.widget.live.inert = true; // the step on screen answers the old facts: not clickable until the new one paints
    return this.show("").then((res) => { if (res) this.rendered = key; });
  }

  async show(query) {
    this.retry.hidden = true;
    const res = await this.widget.show(query);
    if (!res) return null;
    this.say(null);
    this.widget.live.hidden = false;
    this.widget.live.inert = false;
    this.root.dataset.engine = "pyodide";
    return res;
  }

  /** The engine failed: say so in the widget's language, and offer to try again (a new worker). */
  failed(err) {
    console.error("iot-troubleshooter:", err);
    const words = WORDS[this.widget.lang];
    this.say(words.failed);
    this.retry.textContent = words.retry;
    this.retry.hidden = false;
    this.widget.live.hidden = true; // a step that may be stale is not left clickable
    this.root.dataset.engine = "failed";
  }

  say(text) {
    const status = this.root.querySelector(".ts-status");
    status.textContent = text || "";
    status.hidden = !text;
  }
}

if (!customElements.get("iot-troubleshooter")) customElements.define("iot-troubleshooter", IotTroubleshooter);
