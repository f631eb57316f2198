// The embed page (embed/ in each language) inside a portal's <iframe>. Talks to the parent window only,
// and only with the origin the portal named in the `origin` query parameter (`origin=*` must be asked
// for explicitly): `iot-troubleshooter:step`, `:result`, `:feedback` (the web component's events, same
// fields, built by client.js) and `:height` go out; {type: "iot-troubleshooter:set-facts"} comes in.
// The page never rewrites its own URL (client.js keeps the answers in the history entry), so `origin`
// and the portal's facts survive every answer, a reload and Back.
(function () {
  "use strict";
  var root = document.getElementById("iot-ts");
  if (!root) return;

  // Links that are not answers (articles) open in a new tab: this site's articles refuse to be framed.
  // The live steps get the same from client.js.
  var links = root.querySelectorAll('.ts-steps a[href]:not([href^="#"])');
  for (var i = 0; i < links.length; i++) {
    links[i].target = "_blank";
    links[i].rel = "noopener";
  }

  var origin = new URLSearchParams(location.search).get("origin");
  if (!origin || window.parent === window) return;
  if (origin !== "*") {
    try {
      origin = new URL(origin).origin;
    } catch (err) {
      origin = "";
    }
    if (!origin || origin === "null") { // file:, data: and the like have no origin a message can go to
      console.warn("iot-troubleshooter: the origin parameter must be the portal's origin, e.g. https://portal.example; "
        + "this one resolves to " + (origin || "nothing") + ", so the frame sends and accepts no messages");
      return;
    }
  }

  function post(message) {
    window.parent.postMessage(message, origin);
  }

  // {name: "step"|"result"|"feedback", detail: {…}} from client.js: sent as {type, …detail}.
  root.addEventListener("troubleshooter-report", function (event) {
    post(Object.assign({}, event.detail.detail, { type: "iot-troubleshooter:" + event.detail.name }));
  });

  // The page's own box stretches to the frame; the article holding the widget has the content's height.
  var content = root.closest("article") || root;
  var lastHeight = 0;
  new ResizeObserver(function () {
    var height = Math.ceil(content.getBoundingClientRect().bottom + window.scrollY + 24);
    if (height !== lastHeight) post({ type: "iot-troubleshooter:height", height: (lastHeight = height) });
  }).observe(content);

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || (origin !== "*" && event.origin !== origin)) return;
    var data = event.data;
    if (!data || data.type !== "iot-troubleshooter:set-facts" || typeof data.facts !== "object" || !data.facts) return;
    // Kept in the history entry too: the live widget may not have started yet (client.js reads them
    // when it does), and a reload keeps them.
    try {
      history.replaceState({ iotTs: { answers: "", facts: data.facts } }, "");
    } catch (err) {
      // too large to keep: the facts still count until the next reload
    }
    root.dispatchEvent(new CustomEvent("troubleshooter-set-facts", { detail: data.facts }));
  });
})();
