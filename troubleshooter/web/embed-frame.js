// The embed page (embed/ in each language) inside a portal's <iframe>. Talks to the parent window only,
// and only with the origin the portal named in the `origin` query parameter (`origin=*` must be asked
// for explicitly): results and the content height go out; {type: "iot-troubleshooter:set-facts"} comes in.
(function () {
  "use strict";
  var root = document.getElementById("iot-ts");
  var origin = new URLSearchParams(location.search).get("origin");
  if (!root || !origin || window.parent === window) return;
  if (origin !== "*") {
    try {
      origin = new URL(origin).origin;
    } catch (err) {
      console.warn("iot-troubleshooter: the origin parameter must be the portal's origin, e.g. https://portal.example");
      return;
    }
  }

  function post(message) {
    window.parent.postMessage(message, origin);
  }

  root.addEventListener("troubleshooter-step", function (event) {
    var res = event.detail;
    if (res.kind === "result") post({ type: "iot-troubleshooter:result", causes: res.causes, facts: res.facts });
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
    root.dispatchEvent(new CustomEvent("troubleshooter-set-facts", { detail: data.facts }));
  });
})();
