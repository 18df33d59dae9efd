/* Service worker of the field app: keeps the app shell (HTML, scripts, styles, icons, Leaflet)
   so the app opens with no network. API calls are never cached: the outbox in IndexedDB is
   what keeps entries, and reads must be fresh. */
"use strict";
var VERSION = __VERSION__;
var PRECACHE = __PRECACHE__;
var CACHE = "tt-falt-" + VERSION;
var SHELL = "/falt";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(PRECACHE.map(function (u) { return new Request(u, { cache: "reload" }); })); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("tt-falt-") === 0 && k !== CACHE; })
          .map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function isShell(url) { return url.pathname === SHELL || url.pathname === SHELL + "/"; }

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return; // map tiles and the like: the network's business
  if (isShell(url)) {
    // The newest shell when the network answers, the kept one when it does not.
    event.respondWith(
      fetch(req).then(function (res) {
        if (res.ok) {
          var copy = res.clone();
          caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
        }
        return res;
      }).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(SHELL); });
      })
    );
    return;
  }
  if (PRECACHE.indexOf(url.pathname + url.search) >= 0) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(req).then(function (hit) { return hit || fetch(req); });
      })
    );
  }
});
