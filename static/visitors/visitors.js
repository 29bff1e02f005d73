// Visitor pages: keep the last loaded schedule readable offline (service worker) and say when we are offline.
(function () {
  "use strict";
  var script = document.currentScript;
  var workerUrl = script && script.dataset.serviceWorker;
  if (workerUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(workerUrl).catch(function () {
      // Without a worker the pages still work online; nothing to tell the visitor.
    });
  }
  function showConnection() {
    var note = document.getElementById("offline-note");
    if (note) {
      note.hidden = navigator.onLine;
    }
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  document.addEventListener("DOMContentLoaded", showConnection);
})();
