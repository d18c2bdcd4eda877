/* hoctap offline queue: on the self-assessment and village review pages, a form sent while the
   browser is offline is kept on the device (IndexedDB: its fields and files) and shown in a
   visible "not sent" list; when the connection returns the items are sent, oldest first, to the
   same addresses the forms use, with the version the page was loaded at. The server's version
   check refuses an item if the record changed meanwhile; the refusal is shown on the item, which
   stays until the user discards it: nothing is overwritten silently.
   Plain JavaScript, no build step; texts come from the page (data-t-* attributes) in its language. */
(function () {
  "use strict";

  const DB = "hoctap-offline", STORE = "queue", CACHE = "hoctap-offline-v1";
  const panel = document.getElementById("offline-queue");
  if (!panel) return;
  const t = (key) => panel.dataset["t" + key] || key;
  let flushing = false;

  // -- the installable app: manifest link and service worker -----------------------------------
  const link = document.createElement("link");
  link.rel = "manifest";
  link.href = panel.dataset.manifest;
  document.head.appendChild(link);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(panel.dataset.worker, { scope: "/" }).catch(() => {});
  }
  // Keep this page and its static files now: the worker only sees the requests made after it starts.
  if ("caches" in window && navigator.onLine) {
    const urls = [location.pathname + location.search];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach((node) => {
      const url = new URL(node.href || node.src, location.href);
      if (url.origin === location.origin) urls.push(url.pathname + url.search);
    });
    caches.open(CACHE).then((cache) => Promise.all(urls.map((url) => cache.add(url).catch(() => {})))).catch(() => {});
  }

  // -- IndexedDB ---------------------------------------------------------------------------------
  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  }
  const all = () => run("readonly", (store) => store.getAll());
  const put = (item) => run("readwrite", (store) => store.put(item));
  const remove = (id) => run("readwrite", (store) => store.delete(id));

  // -- queueing a form ---------------------------------------------------------------------------
  function describe(form, submitter) {
    const heading = form.closest("tr")?.querySelector("th a") || document.querySelector("h1");
    const action = submitter?.textContent?.trim() || "";
    return [heading ? heading.textContent.trim() : document.title, action].filter(Boolean).join(" · ");
  }

  async function enqueue(form, submitter) {
    let data;
    try {
      data = new FormData(form, submitter || null);
    } catch (error) { // browsers before 2023 take no submitter: add the pressed button by hand
      data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    }
    const fields = [];
    let hasFile = false;
    for (const [name, value] of data.entries()) {
      if (value instanceof File) {
        if (!value.size) continue;
        hasFile = true;
      }
      fields.push([name, value]);
    }
    const url = new URL(form.getAttribute("hx-post") || form.getAttribute("action") || location.href, location.href).href;
    const item = {
      url, fields, htmx: form.hasAttribute("hx-post"), page: location.href,
      label: describe(form, submitter), at: new Date().toISOString(), conflict: "",
    };
    if (!hasFile) {
      // A later copy of the same form replaces the earlier unsent one: it holds every field again.
      for (const old of await all()) {
        if (old.url === url && !old.conflict && !old.fields.some(([, v]) => v instanceof Blob)) await remove(old.id);
      }
    }
    await put(item);
    if (hasFile) form.reset();
    await render();
  }

  // For a page that sends a file by itself (the self-assessment's shrunk photo): the same queue.
  window.hoctapOffline = {
    async enqueue(url, fields, fileName) {
      const heading = document.querySelector("h1");
      await put({
        url: new URL(url, location.href).href, fields, htmx: false, page: location.href,
        label: [heading ? heading.textContent.trim() : document.title, fileName].filter(Boolean).join(" · "),
        at: new Date().toISOString(), conflict: "",
      });
      await render();
    },
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (navigator.onLine || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (!form.closest("main")) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // before htmx sees it
    enqueue(form, event.submitter);
  }, true);

  // -- sending -----------------------------------------------------------------------------------
  function refusalIn(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const errors = [...doc.querySelectorAll(".errorlist li, .messages li.error, .row-error")].map((n) => n.textContent.trim());
    return errors.filter(Boolean).join(" ");
  }

  async function send(item) {
    const body = new FormData();
    for (const [name, value] of item.fields) {
      if (value instanceof Blob) body.append(name, value, value.name || "photo.jpg");
      else body.append(name, value);
    }
    const headers = item.htmx ? { "HX-Request": "true" } : {};
    const response = await fetch(item.url, { method: "POST", body, headers, credentials: "same-origin" });
    const html = await response.text();
    if (response.redirected && new URL(response.url).pathname.startsWith("/login/")) return { wait: t("Login") };
    if (response.status === 403 && html.includes("CSRF")) return { wait: t("Login") };
    if (!response.ok) return { conflict: refusalIn(html) || t("Refused") + " (" + response.status + ")" };
    const refusal = refusalIn(html);
    if (refusal) return { conflict: refusal };
    return { html };
  }

  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    // One tab sends at a time (two open tabs must not send the same photo twice).
    if (navigator.locks) return navigator.locks.request("hoctap-offline-send", sendAll);
    return sendAll();
  }

  async function sendAll() {
    try {
      for (const item of await all()) {
        if (item.conflict) continue;
        if (!(await run("readonly", (store) => store.get(item.id)))) continue; // sent from another tab
        let outcome;
        try {
          outcome = await send(item);
        } catch (error) {
          break; // still no connection: try again on the next "online"
        }
        if (outcome.wait) { panel.querySelector(".offline-state").textContent = outcome.wait; break; }
        if (outcome.conflict) {
          item.conflict = outcome.conflict;
          await put(item);
        } else {
          await remove(item.id);
          if (item.htmx && item.page === location.href) {
            // The row as the server answers it (a <template> parses a lone <tr> as it is).
            const template = document.createElement("template");
            template.innerHTML = outcome.html.trim();
            const fresh = template.content.firstElementChild;
            const row = fresh && fresh.id ? document.getElementById(fresh.id) : null;
            if (row) {
              row.replaceWith(fresh);
              if (window.htmx) window.htmx.process(fresh);
            }
          }
        }
      }
    } finally {
      flushing = false;
      await render();
    }
  }

  // -- the visible list --------------------------------------------------------------------------
  async function render() {
    const items = await all();
    const list = panel.querySelector("ul");
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.className = item.conflict ? "conflict" : "pending";
      const files = item.fields.filter(([, v]) => v instanceof Blob).map(([, v]) => v.name);
      const when = new Date(item.at).toLocaleString(document.documentElement.lang || "vi");
      li.textContent = `${item.label} · ${when}${files.length ? " · " + files.join(", ") : ""} · `;
      const state = document.createElement("strong");
      state.textContent = item.conflict ? t("Conflict") + ": " + item.conflict : t("Pending");
      li.appendChild(state);
      if (item.conflict) {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "secondary";
        discard.textContent = t("Discard");
        discard.addEventListener("click", async () => { await remove(item.id); await render(); });
        li.append(" ", discard);
      }
      list.appendChild(li);
    }
    panel.hidden = items.length === 0 && navigator.onLine;
    panel.querySelector(".offline-state").textContent = navigator.onLine ? "" : t("Offline");
    panel.dataset.count = String(items.filter((i) => !i.conflict).length);
  }

  window.addEventListener("online", () => { render(); flush(); });
  window.addEventListener("offline", render);
  render().then(flush);
})();
