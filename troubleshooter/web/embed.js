// <iot-troubleshooter lang="en" facts='{"balance":"arrears"}'></iot-troubleshooter>
//
// The troubleshooter as a web component for carriers' and resellers' portals. Load this module from the
// help site (<script type="module" src="https://help.example/assets/troubleshooter/embed.js">); it finds
// everything else relative to its own URL. It renders in a Shadow DOM, starts the same Python worker as
// the site (through a same-origin blob: worker when the portal is on another origin), never asks what
// `facts` already says, and fires `troubleshooter-result` with {causes, facts, lang} at each result.
import { Engine, Widget } from "./client.js";
import messages from "./messages.js";

const LANGS = ["zh", "en"];
let sharedEngine = null; // one Python worker, however many widgets a page has

function engine() {
  sharedEngine ??= new Engine().ready;
  return sharedEngine;
}

/** Facts from the attribute: a JSON object, or nothing (with a console warning naming the problem). */
function parseFacts(text) {
  if (text == null || text.trim() === "") return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    console.warn(`iot-troubleshooter: the facts attribute is not valid JSON (${err.message}); it is ignored`);
    return {};
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    console.warn("iot-troubleshooter: the facts attribute must be a JSON object such as {\"balance\":\"arrears\"}; it is ignored");
    return {};
  }
  return value;
}

class IotTroubleshooter extends HTMLElement {
  static observedAttributes = ["lang", "facts"];

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("./widget.css", import.meta.url).href;
    const root = document.createElement("div");
    root.className = "iot-ts";
    root.dataset.engine = "loading";
    root.innerHTML = '<p class="ts-status" role="status"></p><p class="ts-announce" aria-live="polite"></p><div class="ts-live"></div>';
    shadow.append(style, root);
    this.root = root;
    this.widget = null;
  }

  get language() {
    const lang = this.getAttribute("lang") || "zh";
    return LANGS.includes(lang) ? lang : "zh";
  }

  connectedCallback() {
    this.say("loading");
    engine().then(
      (py) => {
        this.widget = new Widget(this.root, {
          engine: py, linkTarget: "_blank",
          onStep: (res) => {
            if (res.kind === "result") {
              const detail = { causes: res.causes, facts: res.facts, lang: this.language };
              this.dispatchEvent(new CustomEvent("troubleshooter-result", { detail, bubbles: true, composed: true }));
            }
          },
        });
        this.refresh().then(() => {
          this.say(null);
          this.root.dataset.engine = "pyodide";
        });
      },
      (err) => {
        console.error("iot-troubleshooter:", err);
        this.say("engine_failed");
      },
    );
  }

  attributeChangedCallback() {
    if (this.widget) this.refresh();
  }

  /** Show the first step for the current `lang` and `facts` (the portal's facts are never undone). */
  refresh() {
    const lang = this.language;
    if (this.getAttribute("lang") && this.getAttribute("lang") !== lang) {
      console.warn(`iot-troubleshooter: lang must be one of ${LANGS.join(", ")}; using zh`);
    }
    this.root.lang = lang; // screen readers pick the right voice even on a page in another language
    Object.assign(this.widget, {
      lang, locked: parseFacts(this.getAttribute("facts")),
      articleBase: new URL(lang === "zh" ? "../../" : `../../${lang}/`, import.meta.url).href,
    });
    return this.widget.show("");
  }

  say(key) {
    const status = this.root.querySelector(".ts-status");
    status.textContent = key ? messages[this.language][key] : "";
    status.hidden = !key;
  }
}

if (!customElements.get("iot-troubleshooter")) customElements.define("iot-troubleshooter", IotTroubleshooter);
