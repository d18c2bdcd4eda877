/* hoctap self-assessment sheet: a guide while typing, and evidence that never costs typed work.
   - Each score is checked as it is typed against the limits the server put on the field
     (data-max, data-floor: the criteria set's own numbers); a running total shows the maximum and
     the pass mark of this subject's area class (data-max-total, data-pass-mark on the form). The
     script holds no rule of its own, and the server checks everything again.
   - "Tải lên" sends only the file, in the background (XMLHttpRequest for its progress events):
     the scores typed so far stay on the screen. A photo is first shrunk on the phone to
     data-max-edge pixels on its long side, as a JPEG, so a 6 MB photo leaves as a few hundred KB.
     Offline, the file goes to the "chưa gửi" queue of offline.js.
   Plain JavaScript, no build step; texts come from the page (data-t-*) in its language. */
(function () {
  "use strict";

  const form = document.getElementById("sheet");
  if (!form) return;
  const t = (key, values) => (form.dataset["t" + key] || key).replace(/\{(\w+)\}/g, (_, name) => values?.[name] ?? "");
  const lang = document.documentElement.lang || "vi";
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const scores = [...form.querySelectorAll("input[data-max]")];

  // -- checks while typing -----------------------------------------------------------------------
  function problemOf(input) {
    const raw = input.value.trim();
    if (input.validity && input.validity.badInput) return { error: t("NotNumber") };
    if (raw === "") return null;
    const value = Number(raw.replace(",", "."));
    if (!Number.isFinite(value)) return { error: t("NotNumber") };
    if (value < 0) return { error: t("Negative") };
    const max = Number(input.dataset.max);
    if (value > max) return { error: t("AboveMax", { max: number.format(max) }) };
    if (input.dataset.floor !== undefined && value < Number(input.dataset.floor)) {
      return { warning: t("BelowFloor", { floor: number.format(Number(input.dataset.floor)) }) };
    }
    return null;
  }

  function showCheck(input) {
    const problem = problemOf(input);
    const line = document.getElementById("check-" + input.dataset.code);
    const fieldset = input.closest("fieldset");
    if (line) {
      line.textContent = problem ? problem.error || problem.warning : "";
      line.className = "check" + (problem ? (problem.error ? " check-error" : " check-warning") : "");
    }
    input.setAttribute("aria-invalid", problem && problem.error ? "true" : "false");
    if (fieldset && !problem) fieldset.classList.remove("has-error");
    return problem;
  }

  const totalLine = document.getElementById("running-total");
  function showTotal() {
    if (!totalLine || !form.dataset.maxTotal) return;
    let total = 0, floors = 0;
    for (const input of scores) {
      const value = Number(input.value.trim().replace(",", "."));
      if (input.value.trim() !== "" && Number.isFinite(value) && value >= 0) total += value;
      if (problemOf(input)?.warning) floors += 1;
    }
    const parts = [t("Total", { total: number.format(total) }), t("OfMax", { max: number.format(Number(form.dataset.maxTotal)) })];
    let state = "";
    if (form.dataset.passMark) {
      const mark = Number(form.dataset.passMark);
      const reached = total >= mark;
      parts.push("· " + (reached ? t("Reached", { mark: number.format(mark) })
        : t("Short", { gap: number.format(mark - total), mark: number.format(mark) })));
      state = reached ? "reached" : "short";
    }
    if (floors) { parts.push("· " + t("Floors", { count: floors })); state = "short"; }
    totalLine.textContent = parts.join(" ");
    totalLine.dataset.state = state;
    totalLine.dataset.total = String(total);
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("input[data-max]")) { showCheck(event.target); showTotal(); }
  });
  scores.forEach((input) => { if (input.value) showCheck(input); });
  showTotal();

  // -- the summary of errors at the top ----------------------------------------------------------
  const summary = document.getElementById("error-summary");
  function showSummary(rows) {
    summary.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = t("Errors", { count: rows.length });
    const list = document.createElement("ul");
    for (const row of rows) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#" + row.input.id;
      link.textContent = row.text;
      item.appendChild(link);
      list.appendChild(item);
    }
    summary.append(heading, list);
    summary.hidden = false;
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
  if (!summary.hidden) { summary.focus(); summary.scrollIntoView({ block: "start" }); }

  // Runs before offline.js (window, capture): a sheet with a score the server would refuse is
  // neither sent nor queued; the summary says what to fix. Below a floor is a warning, not an error.
  window.addEventListener("submit", (event) => {
    if (event.target !== form || event.submitter?.name === "upload") return;
    const rows = [];
    for (const input of scores) {
      const problem = showCheck(input);
      if (problem?.error) rows.push({ input, text: input.dataset.code + ": " + problem.error });
    }
    if (!rows.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    showSummary(rows);
  }, true);

  // -- evidence: shrink, send with progress, keep the typed scores ---------------------------------
  const fileInput = document.getElementById("ev-file");
  const button = document.getElementById("ev-send");
  const progress = document.getElementById("ev-progress");
  const status = document.getElementById("ev-status");
  const maxEdge = Number(form.dataset.maxEdge) || 1600;
  const TARGET = 450 * 1024; // what one photo may weigh on a 1 Mbit/s link: a few seconds

  // The browser's own file button speaks the phone's language, not the page's: a label of ours
  // opens the same picker and the name of the chosen file is shown beside it.
  const choose = form.querySelector(".ev-choose");
  const chosen = document.getElementById("ev-chosen");
  function showChosen() {
    chosen.textContent = fileInput.files[0] ? fileInput.files[0].name : chosen.dataset.none;
  }
  if (choose && chosen) {
    choose.hidden = false;
    fileInput.classList.add("visually-hidden");
    fileInput.addEventListener("change", showChosen);
    showChosen();
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "ev-status" + (kind ? " ev-" + kind : "");
  }

  const jpegName = (name) => (name.replace(/\.[^.]*$/, "") || "anh") + ".jpg";
  const toBlob = (canvas, quality) => new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));

  async function shrink(file) {
    // HEIC and anything the browser cannot decode goes as it is: the server converts HEIC.
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      return file;
    }
    const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= TARGET) { bitmap.close?.(); return file; }
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    let blob = null;
    for (const quality of [0.82, 0.72, 0.6, 0.5]) {
      blob = await toBlob(canvas, quality);
      if (!blob || blob.size <= TARGET) break;
    }
    canvas.width = canvas.height = 0; // give the memory back at once on small phones
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified });
  }

  function evidenceFields(file) {
    const fields = [["csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value],
      ["file", file], ["next", "self"]];
    for (const name of ["effective_date", "description"]) {
      const input = form.querySelector(`[name=${name}]`);
      if (input) fields.push([name, input.value]);
    }
    return fields;
  }

  function done(html, message) {
    const list = document.getElementById("ev-list");
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    if (template.content.firstElementChild) list.appendChild(template.content.firstElementChild);
    fileInput.value = "";
    if (chosen) showChosen();
    const description = form.querySelector("[name=description]");
    if (description) description.value = "";
    say(message, "ok");
  }

  async function queue(fields, file) {
    if (!window.hoctapOffline) { say(t("Failed"), "error"); return; }
    await window.hoctapOffline.enqueue(form.dataset.uploadUrl, fields, file.name);
    fileInput.value = "";
    if (chosen) showChosen();
    say(t("Queued"), "ok");
  }

  function send(fields, file) {
    return new Promise((resolve) => {
      const body = new FormData();
      for (const [name, value] of fields) {
        if (value instanceof Blob) body.append(name, value, value.name); else body.append(name, value);
      }
      const request = new XMLHttpRequest();
      request.open("POST", form.dataset.uploadUrl);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((100 * event.loaded) / event.total);
        progress.value = percent;
        say(t("Sending", { name: file.name }) + " " + percent + "%");
      });
      request.addEventListener("load", () => {
        let answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { /* a login page, a proxy error */ }
        if (request.status === 201 && answer?.html) done(answer.html, answer.message);
        else say(answer?.error || t("Failed"), "error");
        resolve();
      });
      request.addEventListener("error", async () => {
        if (!navigator.onLine) await queue(fields, file); else say(t("Failed"), "error");
        resolve();
      });
      request.send(body);
    });
  }

  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const chosen = fileInput.files[0];
    if (!chosen) { say(t("NoFile"), "error"); fileInput.focus(); return; }
    button.disabled = true;
    progress.hidden = false;
    progress.removeAttribute("value"); // indeterminate while shrinking
    say(t("Shrinking"));
    try {
      const file = await shrink(chosen);
      const limit = Number(form.dataset.maxBytes);
      if (limit && file.size > limit) {
        say(t("TooBig", { mb: number.format(limit / 1024 / 1024) }), "error");
        return;
      }
      const fields = evidenceFields(file);
      progress.value = 0;
      if (!navigator.onLine) await queue(fields, file); else await send(fields, file);
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
})();
