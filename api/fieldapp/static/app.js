/* The app: sign-in, views by location.hash, the operation list, the outbox view, start-up. */
(function () {
  "use strict";
  var TT = window.TT;
  var t = function (k, a) { return TT.i18n.t(k, a); };
  var $ = function (id) { return document.getElementById(id); };
  var el = TT.forms.el;
  var VIEWS = ["login", "ops", "newop", "op", "presence", "outbox"];
  var POLICE = ["officer", "lead"];
  var fixing = null; // a rejected entry opened for fixing

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function keep(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function when(isoText) {
    if (!isoText) return "";
    return new Date(isoText).toLocaleString(TT.i18n.lang() === "en" ? "en-GB" : "sv-SE",
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  async function api(path, init) {
    init = init || {};
    init.credentials = "same-origin";
    init.headers = Object.assign({ Accept: "application/json" }, init.headers || {});
    return fetch(path, init);
  }

  // ---------- who is signed in ----------
  function user() { return load("tt.user", null); }
  async function login(ev) {
    ev.preventDefault();
    $("login-error").textContent = "";
    var res;
    try {
      res = await api("/api/v1/auth/login", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: $("login-user").value.trim(), password: $("login-pass").value })
      });
    } catch (e) {
      $("login-error").textContent = t("loginOffline");
      return;
    }
    if (!res.ok) {
      var body = await res.json().catch(function () { return {}; });
      $("login-error").textContent = res.status === 401 ? t("loginFailed") : (body.detail || res.statusText);
      return;
    }
    var data = await res.json();
    keep("tt.user", { username: data.username, role: data.role });
    keep("tt.lastUser", { username: data.username });
    $("login-pass").value = "";
    $("relogin").hidden = true;
    loadZones();
    TT.sync.now();
    location.hash = "#ops";
    route();
  }
  async function logout() {
    var waiting = (await mine()).length;
    if (waiting && !window.confirm(t("confirmLogout", { n: waiting }))) return;
    try { await api("/api/v1/auth/logout", { method: "POST" }); } catch (e) { /* offline: the cookie expires */ }
    localStorage.removeItem("tt.user");
    localStorage.removeItem("tt.ops");
    location.hash = "#login";
    route();
  }
  /** Check the session with the server when there is a network; a dead session asks for login. */
  async function verify() {
    if (!user()) return;
    try {
      var res = await api("/api/v1/auth/me");
      if (res.status === 401) loginExpired();
      else if (res.ok) {
        var me = await res.json();
        keep("tt.user", { username: me.username, role: me.role });
        keep("tt.lastUser", { username: me.username });
        $("relogin").hidden = true;
      }
    } catch (e) { /* offline: keep working on what the phone knows */ }
  }
  function loginExpired() {
    $("relogin").hidden = false;
    var u = user();
    if (u) $("login-user").value = u.username;
    localStorage.removeItem("tt.user");
    if (location.hash !== "#outbox") { location.hash = "#login"; }
    route();
  }

  // ---------- operations ----------
  function ops() {
    var ended = load("tt.ended", []);
    return load("tt.ops", []).concat(load("tt.localOps", [])).filter(function (o) { return ended.indexOf(o.id) < 0; });
  }
  /** An operation by id: listed, made here, or opened here before (so it opens offline too). */
  function findOp(id) {
    var all = load("tt.ops", []).concat(load("tt.localOps", []), load("tt.opened", []));
    return all.filter(function (o) { return o.id === id; })[0] || null;
  }
  function rememberOp(op) {
    var local = load("tt.localOps", []).filter(function (o) { return o.id !== op.id; });
    local.push(op);
    keep("tt.localOps", local.slice(-20));
  }
  function opPoint(op) {
    var g = op && op.geometry;
    if (!g) return null;
    if (g.type === "Point") return g;
    var c = g.coordinates;
    while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
    return Array.isArray(c) ? { type: "Point", coordinates: c } : null;
  }
  async function fetchOps() {
    try {
      var lists = await Promise.all(["ONGOING", "PLANNED"].map(function (status) {
        return api("/api/v1/operations?limit=100&status=" + status).then(function (r) {
          if (r.status === 401) throw new Error("401");
          return r.ok ? r.json() : { items: [] };
        });
      }));
      var soon = Date.now() + 12 * 3600 * 1000, since = Date.now() - 24 * 3600 * 1000;
      var planned = lists[1].items.filter(function (o) {
        var s = Date.parse(o.planned_start || "");
        return s && s < soon && s > since;
      });
      keep("tt.ops", lists[0].items.concat(planned));
      var known = load("tt.ops", []).map(function (o) { return o.id; });
      keep("tt.localOps", load("tt.localOps", []).filter(function (o) { return known.indexOf(o.id) < 0; }));
    } catch (e) {
      if (e.message === "401") loginExpired();
    }
  }
  async function renderOps() {
    var u = user();
    $("who-name").textContent = u ? u.username + " (" + TT.forms.shortLabel(TT.forms.term("role", u.role)) + ")" : "";
    renderOpList();
    await fetchOps();
    renderOpList();
  }
  function renderOpList() {
    var list = $("op-list");
    list.textContent = "";
    var all = ops();
    $("op-empty").hidden = all.length > 0;
    all.forEach(function (op) {
      var li = el("li");
      var a = el("a", { href: "#op/" + op.id, "data-op": op.id });
      a.appendChild(el("strong", null, op.title));
      var focus = TT.forms.term("focus", op.focus);
      var bits = [TT.forms.shortLabel(focus)];
      if (op.place_name) bits.push(op.place_name);
      if (op.actual_start) bits.push(t("started", { t: when(op.actual_start) }));
      else if (op.planned_start) bits.push(t("planned", { t: when(op.planned_start) }));
      if (op.local) bits.push(t("localOp"));
      a.appendChild(el("span", { class: "meta" }, bits.join(" · ")));
      li.appendChild(a);
      list.appendChild(li);
    });
    var u = user();
    if (u && POLICE.indexOf(u.role) < 0) list.appendChild(el("li", { class: "error" }, t("notPolice")));
  }
  var current = null;
  function currentOp() { return current; }
  async function renderOp(id) {
    var op = findOp(id);
    if (!op) {
      try {
        var res = await api("/api/v1/operations/" + id);
        if (res.ok) { op = await res.json(); rememberOp(op); }
      } catch (e) { /* offline and unknown */ }
    }
    if (!op) { location.hash = "#ops"; return; }
    current = op;
    keep("tt.opened", load("tt.opened", []).filter(function (o) { return o.id !== op.id; }).concat([op]).slice(-20));
    $("h-op").textContent = op.title;
    var bits = [TT.forms.shortLabel(TT.forms.term("focus", op.focus))];
    if (op.place_name) bits.push(op.place_name);
    $("op-meta").textContent = bits.join(" · ");
    var fix = fixing && fixing.opId === op.id ? fixing : null;
    fixing = null;
    TT.forms.openOp(op, fix);
    renderRecent();
  }
  async function renderRecent() {
    if (!current) return;
    var rows = (await TT.store.all()).filter(function (e) { return e.opId === current.id; }).slice(-10).reverse();
    var list = $("recent");
    list.textContent = "";
    if (!rows.length) list.appendChild(el("li", null, t("noEntries")));
    rows.forEach(function (e) {
      var li = el("li", { "data-entry": e.id });
      li.appendChild(el("span", null, when(e.createdAt) + " · " + e.label + " · "));
      li.appendChild(el("span", { class: "state " + e.status }, t(e.status)));
      list.appendChild(li);
    });
  }

  /** End the operation now: its end time is taken here, so an offline end keeps the right time. */
  async function endOp() {
    var op = current;
    if (!op || !window.confirm(t("confirmEnd"))) return;
    var u = user();
    await TT.store.add({
      id: TT.forms.uuid(), kind: "endop", method: "PATCH", url: "/api/v1/operations/" + op.id,
      body: { status: "COMPLETED", actual_end: new Date().toISOString() }, label: op.title, user: u.username
    });
    keep("tt.ended", load("tt.ended", []).concat([op.id]).slice(-50));
    await refreshCount();
    TT.forms.toast(t("opEnded") + " – " + t("savedLocal"));
    TT.sync.now();
    location.hash = "#ops";
  }

  // ---------- zones (for presence), kept for offline use ----------
  function zones() { return load("tt.zones", []); }
  async function loadZones() {
    try {
      var res = await api("/api/v1/zones?limit=1000");
      if (!res.ok) return;
      var body = await res.json();
      keep("tt.zones", body.items.map(function (z) { return { id: z.id, name: z.name, kind: z.kind }; }));
      if (!$("view-presence").hidden) TT.forms.presence();
    } catch (e) { /* offline: use what we have */ }
  }

  // ---------- outbox ----------
  async function mine() {
    var u = user() || load("tt.lastUser", null);
    return (await TT.store.unsent()).filter(function (e) { return !u || e.user === u.username; });
  }
  async function refreshCount() {
    var n = (await mine()).length;
    $("unsent-count").textContent = String(n);
    $("outbox-link").classList.toggle("has", n > 0);
    if (!$("view-outbox").hidden) renderOutbox();
    if (!$("view-op").hidden) renderRecent();
  }
  async function renderOutbox() {
    var rows = await mine();
    var summary = rows.length === 1 ? t("outboxOne") : t("outboxCount", { n: rows.length });
    $("outbox-summary").textContent = rows.length ? summary : t("outboxEmpty");
    var last = TT.sync.last;
    if (last && !last.ok) $("outbox-summary").textContent += " " + t("lastTry", { t: when(last.at.toISOString()), r: last.reason });
    var list = $("outbox-list");
    list.textContent = "";
    rows.forEach(function (e) {
      var li = el("li", { "data-entry": e.id, "data-status": e.status });
      li.appendChild(el("strong", null, t("kind_" + e.kind) + ": " + e.label));
      li.appendChild(el("div", { class: "meta" }, when(e.createdAt)));
      li.appendChild(el("div", { class: "state " + e.status }, t(e.status)));
      if (e.status === "rejected" && e.problem) {
        var why = el("div", { class: "problem error" });
        var fields = e.problem.errors || [];
        // The field list says it all when there is one; otherwise the detail.
        var head = e.problem.status + " " + e.problem.title + (fields.length || !e.problem.detail ? "" : ": " + e.problem.detail);
        why.appendChild(el("div", null, head));
        fields.forEach(function (f) { why.appendChild(el("div", { class: "field" }, f.field + ": " + f.message)); });
        li.appendChild(why);
        var acts = el("div", { class: "row-actions" });
        if (["check", "tally", "operation"].indexOf(e.kind) >= 0) acts.appendChild(button("fix", "primary", function () { fix(e); }));
        acts.appendChild(button("resend", "secondary", function () { resend(e); }));
        acts.appendChild(button("discard", "danger", function () { discard(e); }));
        li.appendChild(acts);
      }
      list.appendChild(li);
    });
  }
  function button(key, cls, onClick) {
    var b = el("button", { type: "button", class: cls }, t(key));
    b.addEventListener("click", onClick);
    return b;
  }
  function fix(entry) {
    fixing = entry;
    if (entry.kind === "operation") { location.hash = "#newop"; return; }
    var op = findOp(entry.opId) || { id: entry.opId, title: t("opLabel"), focus: "OTHER" };
    if (!findOp(entry.opId)) rememberOp(op);
    location.hash = "#op/" + entry.opId;
  }
  async function resend(entry) {
    entry.status = "pending"; entry.problem = null;
    await TT.store.put(entry);
    TT.sync.now();
  }
  async function discard(entry) {
    if (!window.confirm(t("confirmDiscard"))) return;
    await TT.store.remove(entry.id);
    TT.forms.toast(t("discarded"));
    refreshCount();
  }

  // ---------- views ----------
  function show(name) {
    $("loading").hidden = true;
    VIEWS.forEach(function (v) { $("view-" + v).hidden = v !== name; });
    var heading = $("view-" + name).querySelector("h1");
    if (heading && document.activeElement !== document.body && show.moved) heading.focus();
    show.moved = true;
  }
  function route() {
    var hash = location.hash.replace(/^#/, "");
    var parts = hash.split("/");
    if (!user()) { show("login"); return; }
    if (parts[0] === "op" && parts[1]) { show("op"); renderOp(parts[1]); return; }
    if (parts[0] === "newop") { show("newop"); var f = fixing && fixing.kind === "operation" ? fixing : null; fixing = null; TT.forms.newOp(f); return; }
    if (parts[0] === "presence") { show("presence"); TT.forms.presence(); loadZones(); return; }
    if (parts[0] === "outbox") { show("outbox"); renderOutbox(); return; }
    show("ops");
    renderOps();
  }
  /** Redraw the texts of the open view in the new language without resetting any form. */
  function relabelView() {
    if (!$("view-ops").hidden) renderOps();
    if (!$("view-outbox").hidden) renderOutbox();
    if (!$("view-presence").hidden) TT.forms.presence();
    if (!$("view-op").hidden && current) {
      $("op-meta").textContent = [TT.forms.shortLabel(TT.forms.term("focus", current.focus)), current.place_name]
        .filter(Boolean).join(" · ");
      renderRecent();
    }
  }
  function online() { $("net").hidden = navigator.onLine; }

  TT.app = {
    user: user,
    zones: zones,
    currentOp: currentOp,
    opPoint: opPoint,
    rememberOp: rememberOp,
    refreshCount: refreshCount,
    renderRecent: renderRecent,
    loginExpired: loginExpired,
    sent: function (entry) {
      if (entry.kind === "operation") fetchOps().then(function () { if (!$("view-ops").hidden) renderOpList(); });
    }
  };

  function start() {
    TT.i18n.init();
    TT.i18n.apply();
    TT.forms.init();
    $("login-form").addEventListener("submit", login);
    $("logout-btn").addEventListener("click", logout);
    $("end-op-btn").addEventListener("click", endOp);
    $("sync-btn").addEventListener("click", function () { TT.sync.now(); });
    $("lang-btn").addEventListener("click", function () {
      TT.i18n.toggle();
      TT.forms.relabel();
      relabelView();
    });
    window.addEventListener("hashchange", route);
    window.addEventListener("online", online);
    window.addEventListener("offline", online);
    online();
    show.moved = false;
    route();
    refreshCount();
    verify().then(function () { TT.sync.start(); if (user()) loadZones(); });
    // Ask the browser never to evict the outbox under storage pressure.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/falt/sw.js", { scope: "/falt" }).catch(function (err) {
        console.warn("service worker", err);
      });
    }
    TT.readyAt = performance.now(); // interactive: handlers bound, first view drawn (measured by the tests)
    document.documentElement.setAttribute("data-ready", "1");
  }
  start();
})();
