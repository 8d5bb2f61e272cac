/* 会员之家: register the service worker (scope /me/), mark the card shown offline, and clear the
 * offline card on sign-out. No inline script anywhere (CSP). */
(function () {
  "use strict";
  var me = document.currentScript;
  var swUrl = me && me.getAttribute("data-sw");
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-clear-card]")) {
      if (window.caches) { caches.delete("gonghui-card-v1"); }
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("clear-card");
      }
    }
    var note = document.getElementById("offline-note");
    if (note && !navigator.onLine) { note.hidden = false; }
  });
  if (swUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(swUrl, { scope: "/me/" }).catch(function () {});
  }
})();
