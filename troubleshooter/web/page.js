// Entry on the site's troubleshooter pages. A classic script on purpose: it runs before the page is
// interactive, and it still runs from file://, where module scripts are blocked. It keeps the answers
// given on the static steps in the URL (so the live engine takes over at the same step, and the language
// switcher carries them), then loads the live troubleshooter (client.js) where it can run.
(function () {
  "use strict";
  var root = document.getElementById("iot-ts");
  if (!root) return;
  var status = root.querySelector(".ts-status");
  var pending = null;

  function show(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function syncLanguageLinks(query) {
    var links = document.querySelectorAll("a[hreflang]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.search = query;
      url.hash = "";
      links[i].href = url.href;
    }
  }

  function isLive() {
    return root.getAttribute("data-engine") === "pyodide";
  }

  // The embed page never rewrites its URL, which belongs to the portal (it holds `origin` and the
  // portal's facts): answers go in the history entry's state instead, where client.js reads them.
  var embedded = root.getAttribute("data-url-mode") === "replace";
  function saved() {
    return (embedded && history.state && history.state.iotTs) || {};
  }
  function answers() {
    return embedded ? saved().answers || "" : location.search;
  }
  function keep(query, facts) {
    if (embedded) {
      history.replaceState({ iotTs: { answers: query, facts: facts } }, "");
      return;
    }
    var url = new URL(location.href); // not pathname + query: a "//x" path would be read as a host
    url.search = query;
    history.replaceState(null, "", url.href);
  }

  // Static steps navigate by #anchor: note each answer, and put it in the query once the hash moved.
  var pendingFacts;
  root.addEventListener("click", function (event) {
    var link = event.target.closest(".ts-steps a");
    if (!link || isLive()) return;
    pendingFacts = saved().facts;
    if (link.hasAttribute("data-fact")) {
      var query = new URLSearchParams(answers());
      query.set(link.getAttribute("data-fact"), link.getAttribute("data-value"));
      pending = "?" + query;
    } else if (link.classList.contains("ts-restart")) {
      pending = "";
    }
  });
  addEventListener("hashchange", function () {
    if (pending === null || isLive()) return;
    try {
      keep(pending, pendingFacts);
    } catch (err) {
      // some browsers refuse to rewrite file:// URLs; the answers then simply stay out of the URL
    }
    syncLanguageLinks(pending);
    pending = null;
  });
  root.addEventListener("troubleshooter-step", function (event) {
    syncLanguageLinks(event.detail.query);
  });
  syncLanguageLinks(location.search);

  if (location.protocol === "file:") {
    show(root.getAttribute("data-msg-file-note"));
    return;
  }
  show(root.getAttribute("data-msg-loading"));
  import(new URL("client.js", document.currentScript.src).href)
    .then(function (client) { return client.mountPage(root); })
    .catch(function (err) {
      console.error("troubleshooter:", err);
      show(root.getAttribute("data-msg-engine-failed"));
    });
})();
