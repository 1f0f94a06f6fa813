/* Cash-book entries made without a connection: kept on this phone (localStorage) with their
   client_id and sent when the connection returns, one by one, to the same form URL as JSON.
   An entry leaves the queue only after a 200/201; one the server refuses (4xx) stays, marked
   "perlu diperbaiki" with the reason. Replaying is safe: the server knows the client_id. */
(function () {
  "use strict";
  var root = document.querySelector("[data-books]");
  if (!root) return;
  var KEY = "malpro-books-queue", user = root.dataset.user, sending = false;
  var form = document.querySelector("form[data-entry-form]");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: "/buku/" }).catch(function () {});
    // The worker keeps this book's entry forms so they open without a connection.
    var forms = (root.dataset.forms || "").split(" ").filter(Boolean);
    if (forms.length && !sessionStorage.getItem("kept " + forms)) {
      navigator.serviceWorker.ready.then(function (reg) { reg.active.postMessage({ keep: forms }); sessionStorage.setItem("kept " + forms, "1"); });
    }
    if (localStorage.getItem("malpro-books-user") !== user && window.caches) caches.delete("malpro-books-pages");
    localStorage.setItem("malpro-books-user", user);
  }

  function all() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function mine() { return all().filter(function (e) { return e.user === user; }); }
  function update(id, change) {
    var q = all().filter(function (e) { return e.client_id !== id; });
    if (change) q.push(change);
    localStorage.setItem(KEY, JSON.stringify(q));
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + ([3, 5, 7, 9].indexOf(i) >= 0 ? "-" : "");
    return h;
  }
  function token() { var i = document.querySelector("[name=csrfmiddlewaretoken]"); return i ? i.value : ""; }
  function post(url, body) {
    // A receipt photo on a slow link takes longer than a plain entry.
    var photo = body.get("receipt"), wait = photo && photo.size ? 90000 : 15000;
    var stop = new AbortController(), timer = setTimeout(function () { stop.abort(); }, wait);
    body.set("csrfmiddlewaretoken", token());
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual", signal: stop.signal,
      headers: { Accept: "application/json", "X-CSRFToken": token() }
    }).finally(function () { clearTimeout(timer); });
  }

  function render(status) {
    var box = document.querySelector("[data-queue]"), q = mine();
    if (!box) return;
    box.hidden = !q.length;
    box.querySelector("[data-count]").textContent = q.length + " catatan menunggu dikirim";
    box.querySelector("[data-queue-status]").textContent = status || (navigator.onLine ? "" : "(offline)");
    var list = box.querySelector("[data-queue-list]");
    list.textContent = "";
    q.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e.label + " · " + (e.error ? "perlu diperbaiki: " + e.error : "menunggu dikirim");
      if (e.error) {
        var drop = document.createElement("button");
        drop.type = "button"; drop.className = "link"; drop.textContent = "Buang";
        drop.onclick = function () { if (confirm("Buang catatan ini dari HP? Catatan ini belum tersimpan di buku.")) { update(e.client_id); render(); } };
        li.append(" ", drop);
      }
      list.append(li);
    });
  }

  async function send() {
    if (sending || !navigator.onLine) return;
    sending = true;
    var status = "";
    try {
      for (var e of mine()) {
        if (e.error) continue;
        var body = new FormData();
        Object.keys(e.fields).forEach(function (k) { body.append(k, e.fields[k]); });
        var r = await post(e.url, body), data = await r.json().catch(function () { return null; });
        if ((r.status === 200 || r.status === 201) && data && data.id) update(e.client_id);
        else if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 403 && data) {
          e.error = data.message; update(e.client_id, e);
        } else { status = r.status === 401 || r.type === "opaqueredirect" ? "(masuk lagi untuk mengirim)" : "(akan dicoba lagi)"; break; }
      }
    } catch (x) { status = "(akan dicoba lagi)"; }
    sending = false;
    render(status);
  }

  function keep(body) {
    // An entry the server would refuse for a missing amount or category is not queued.
    var invalid = document.querySelector("[data-offline-invalid]");
    if (invalid) invalid.hidden = form.checkValidity();
    if (!form.checkValidity()) { if (invalid) invalid.scrollIntoView(); return; }
    var photo = body.get("receipt"), dropped = document.querySelector("[data-photo-dropped]");
    if (dropped) dropped.hidden = !(photo && photo.size);
    body.delete("receipt"); body.delete("csrfmiddlewaretoken");
    var fields = {}, chip = form.querySelector("[name=category]:checked");
    body.forEach(function (v, k) { if (typeof v === "string") fields[k] = v; });
    var label = (fields.direction === "in" ? "+" : "−") + "Rp" + (fields.amount || "").replace(/^rp\s*/i, "") +
      (chip ? " · " + chip.parentNode.textContent.trim() : "");
    update(fields.client_id, { client_id: fields.client_id, url: form.action, user: user, fields: fields, label: label, at: Date.now() });
    form.reset();
    fresh();
    document.querySelector("[data-saved-offline]").hidden = false;
    render();
    window.scrollTo(0, 0);
  }

  function fresh() {
    form.querySelector("[name=client_id]").value = uuid();
    var d = new Date(), day = form.querySelector("[name=occurred_on]");
    if (day) day.value = d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  function offlineNote() {
    var n = document.querySelector("[data-offline-note]");
    if (n) n.hidden = navigator.onLine;
    render();
  }

  if (form) {
    if (form.hasAttribute("data-fresh")) fresh(); // a stored form may be days old
    form.addEventListener("submit", async function (ev) {
      if (form.dataset.native) return; // sent as a plain form: the server shows the errors
      ev.preventDefault();
      var body = new FormData(form);
      if (ev.submitter && ev.submitter.name) body.set(ev.submitter.name, ev.submitter.value);
      if (navigator.onLine) {
        try {
          var r = await post(form.action, body), data = await r.json().catch(function () { return null; });
          if ((r.status === 200 || r.status === 201) && data && data.url) { location.href = data.url; return; }
          // Field errors and conflicts: the server's page shows them. A lapsed session (401,
          // 403, a redirect to the login) would lose what was typed: it stays on the phone.
          if (r.status === 409 || r.status === 422) { form.dataset.native = "1"; form.requestSubmit(ev.submitter); return; }
        } catch (x) { /* no answer: keep it on the phone */ }
      }
      keep(body);
    });
  }
  var again = document.querySelector("[data-queue-send]");
  if (again) again.onclick = function () {
    all().forEach(function (e) { if (e.user === user && e.error) { delete e.error; update(e.client_id, e); } });
    send();
  };
  addEventListener("online", function () { offlineNote(); send(); });
  addEventListener("offline", offlineNote);
  setInterval(send, 60000);
  offlineNote();
  send();
})();
