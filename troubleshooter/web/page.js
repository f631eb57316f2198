// Entry on the site's troubleshooter pages. A classic script on purpose: it still runs from file://,
// where module scripts are blocked, to say why only the simple version works there. Elsewhere it loads
// the live troubleshooter (client.js), which starts Python in a worker and takes over the page.
(function () {
  "use strict";
  var root = document.getElementById("iot-ts");
  if (!root) return;
  var status = root.querySelector(".ts-status");
  function show(text) {
    status.textContent = text;
    status.hidden = false;
  }
  if (location.protocol === "file:") {
    show(root.getAttribute("data-msg-file-note"));
    return;
  }
  import(new URL("client.js", document.currentScript.src).href)
    .then(function (client) { client.mountPage(root); })
    .catch(function (err) {
      console.error("troubleshooter:", err);
      show(root.getAttribute("data-msg-engine-failed"));
    });
})();
