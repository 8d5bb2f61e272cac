/* 会员之家 service worker, served at /me/sw.js (scope /me/).
 * The e-card page (/me/card/) is fetched from the network first; each good answer replaces the
 * copy kept in the cache, which is shown when the phone is offline (the card of the last sign-in;
 * its QR has expired by then, the page says so). Signing out deletes the copy. Nothing else is
 * cached: every other page goes to the network. */
"use strict";
var CACHE = "gonghui-card-v1";
var CARD = "/me/card/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("message", function (e) { if (e.data === "clear-card") { caches.delete(CACHE); } });

self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== self.location.origin) { return; }
  var isCard = url.pathname === CARD;
  var isAsset = url.pathname.indexOf("/static/") === 0;
  if (!isCard && !isAsset) { return; }
  e.respondWith(
    fetch(e.request).then(function (resp) {
      if (resp.ok && !resp.redirected && (isCard || isAsset)) {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { c.put(e.request, copy); });
      }
      return resp;
    }).catch(function () {
      return caches.match(e.request).then(function (hit) { return hit || Response.error(); });
    })
  );
});
