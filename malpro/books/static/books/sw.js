/* The books' service worker (served at /buku/sw.js by books.views_cash.service_worker, which
   fills in the version and the assets). It stores only what the entry form needs to open
   without a connection: the form pages (/buku/<id>/catat/) and the CSS/JS. Every other page
   goes to the network; offline, a short page links to the stored forms. */
"use strict";
var VERSION = "__VERSION__";
var ASSETS = "__ASSETS__";
var STATIC = "malpro-books-assets-" + VERSION, PAGES = "malpro-books-pages";
var FORM = /^\/buku\/\d+\/catat\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("malpro-books-assets-") === 0 && k !== STATIC; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function fresh(request, cacheName, keep) {
  // Network first; a good answer is stored, no answer falls back to the stored copy.
  return fetch(request).then(function (response) {
    if (keep !== false && response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(cacheName).then(function (c) { c.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request).then(function (hit) { if (hit) return hit; throw new Error("offline"); });
  });
}

function offlinePage(url) {
  var m = url.pathname.match(/^\/buku\/(\d+)\//), links = "";
  if (m) {
    links = '<p><a class="button" href="/buku/' + m[1] + '/catat/?jenis=masuk">+ Pemasukan</a> ' +
      '<a class="button" href="/buku/' + m[1] + '/catat/?jenis=keluar">+ Pengeluaran</a></p>';
  }
  var html = '<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Offline</title><link rel="stylesheet" href="' + ASSETS[0] + '"><main class="container"><section class="card">' +
    "<h1>Tidak ada sambungan</h1><p>Halaman ini perlu internet. Catatan baru tetap bisa dibuat: disimpan di HP dan dikirim saat ada sinyal.</p>" +
    links + "</section></main></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(PAGES).then(function (c) {
    return Promise.all(urls.filter(function (u) { return FORM.test(new URL(u, self.location).pathname); }).map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (r) { if (r.ok && !r.redirected) return c.put(u, r); }, function () {});
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (FORM.test(url.pathname)) {
    // Stored only as the plain form (?jenis=masuk|keluar), served for any of its addresses.
    event.respondWith(fresh(request, PAGES, /^(\?jenis=(masuk|keluar))?$/.test(url.search)).catch(function () {
      var plain = url.pathname + "?jenis=" + (url.searchParams.get("jenis") === "keluar" ? "keluar" : "masuk");
      return caches.match(plain).then(function (hit) { return hit || offlinePage(url); });
    }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fresh(request, STATIC));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return offlinePage(url); }));
  }
});
