/* hoctap service worker: keeps the self-assessment and village review pages (and the static files
   they use) so they open without a connection. Pages: network first, the cached copy when offline.
   Static files: cache first (their names change with their content in production).
   Answers and photos typed offline are not handled here but by offline.js (IndexedDB queue). */
"use strict";

const CACHE = "hoctap-offline-v1";
const PAGES = [
  /^\/assessments\/\d+\/self-assessment\/$/,
  /^\/campaigns\/\d+\/units\/\d+\/review\/$/,
  /^\/assessments\/\d+\/review-row\/$/,
];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // Vary (Cookie, Accept-Language) would make the copy the page stored itself miss.
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout/") {
    // Signing out forgets the kept pages (they hold names and scores); unsent answers stay queued.
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (PAGES.some((page) => page.test(url.pathname))) {
    event.respondWith(networkFirst(request));
  }
});
