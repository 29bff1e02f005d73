// Service worker of the visitor pages (scope: the /v/ pages).
// Pages: network first, and the last good copy is kept for when the network is gone.
// The page's own "last updated" line tells the visitor how old a kept copy is.
"use strict";
const CACHE = "exchange-visitor-{{ cache_version }}";
const ASSETS = {{ assets_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html");
}

// A page never opened before falls back, offline, to the kept Today page of the same link (/v/<token>/).
function todayPageOf(url) {
  const [, root, token] = new URL(url).pathname.split("/");
  return new URL(`/${root}/${token}/`, url).href;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // The pages vary by cookie and language header; offline, the last copy of the address is what counts.
    const kept =
      (await cache.match(request, { ignoreVary: true })) ||
      (await cache.match(todayPageOf(request.url), { ignoreVary: true }));
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (isPage(request)) {
    event.respondWith(networkFirst(request));
  } else if (ASSETS.includes(new URL(request.url).pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
