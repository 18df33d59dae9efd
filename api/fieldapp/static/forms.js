/* The forms: new operation (with map and geolocation), vehicle check, tally, presence.
   Each save builds the API payload, puts it in the outbox and only then says "saved". */
(function () {
  "use strict";
  var TT = (window.TT = window.TT || {});
  var cfg = (TT.config = JSON.parse(document.getElementById("tt-config").textContent));
  var t = function (k, a) { return TT.i18n.t(k, a); };
  var $ = function (id) { return document.getElementById(id); };
  var A_TRAKTOR = ["A_TRAKTOR", "EPA"];
  var COMMON_OUTCOMES = ["UTAN_ANMARKNING", "ORDNINGSBOT", "TILLSAGELSE", "RAPPORT", "RAPPORTEFTERGIFT",
    "FORELAGGANDE_REGISTRERINGSBESIKTNING", "KORFORBUD", "BESLAG"];
  var COMMON_FINDINGS = ["SPEED_LIMITER_TAMPERING", "LGF", "CARGO_REAR_SEAT", "LIGHTS", "TYRES", "SPEED",
    "PASSENGERS", "SEATBELT_DRIVER", "PHONE", "DRUNK_DRIVING"];
  var TALLY_OUTCOMES = ["UTAN_ANMARKNING", "ORDNINGSBOT", "TILLSAGELSE", "RAPPORT", "RAPPORTEFTERGIFT"];

  // ---------- small helpers ----------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function shortLabel(term) {
    var label = TT.i18n.label(term);
    var cut = label.indexOf(" (");
    return cut > 0 ? label.slice(0, cut) : label;
  }
  function vocab(name) { return cfg.vocab[name]; }
  function term(name, code) {
    return vocab(name).filter(function (x) { return x.code === code; })[0] || { code: code, sv: code, en: code };
  }
  function localInput(date) {
    var d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }
  function iso(localValue) { return localValue ? new Date(localValue).toISOString() : null; }
  function num(id) { var v = $(id).value.trim(); return v === "" ? null : Number(v); }
  function tri(id) { var v = $(id).value; return v === "" ? null : v === "true"; }
  function toast(text, bad) {
    var box = $("toast");
    box.textContent = text;
    box.className = bad ? "toast bad" : "toast";
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.textContent = ""; }, 3500);
  }
  function fail(boxId, key) { $(boxId).textContent = t(key); return null; }

  /** Chips (toggle buttons) for a vocabulary; common codes first, the rest behind "more". */
  function chipGroup(container, name, common, moreKey, onToggle) {
    container.querySelectorAll(".chip, details").forEach(function (n) { n.remove(); });
    var terms = vocab(name);
    var first = common ? common.map(function (c) { return term(name, c); }) : terms;
    var rest = common ? terms.filter(function (x) { return common.indexOf(x.code) < 0; }) : [];
    function chip(x) {
      var b = el("button", { type: "button", class: "chip", "aria-pressed": "false", "data-code": x.code }, shortLabel(x));
      b.addEventListener("click", function () { onToggle(b); });
      return b;
    }
    first.forEach(function (x) { container.appendChild(chip(x)); });
    if (rest.length) {
      var det = el("details");
      det.appendChild(el("summary", null, t(moreKey)));
      rest.forEach(function (x) { det.appendChild(chip(x)); });
      container.appendChild(det);
    }
  }
  function pressed(container) {
    return Array.prototype.map.call(container.querySelectorAll('.chip[aria-pressed="true"]'),
      function (b) { return b.getAttribute("data-code"); });
  }
  function press(container, codes) {
    container.querySelectorAll(".chip").forEach(function (b) {
      var on = codes.indexOf(b.getAttribute("data-code")) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      if (on && b.parentNode.tagName === "DETAILS") b.parentNode.open = true;
    });
  }
  function single(container) {
    return function (b) { press(container, [b.getAttribute("data-code")]); };
  }
  function options(select, name, emptyKey) {
    select.textContent = "";
    if (emptyKey) select.appendChild(el("option", { value: "" }, t(emptyKey)));
    vocab(name).forEach(function (x) { select.appendChild(el("option", { value: x.code }, shortLabel(x))); });
  }
  function triOptions(select) {
    select.textContent = "";
    [["", "notChecked"], ["true", "yes"], ["false", "no"]].forEach(function (o) {
      select.appendChild(el("option", { value: o[0] }, t(o[1])));
    });
  }

  /** Put a new entry in the outbox (or replace a rejected one being fixed), then say so. */
  async function save(entry, fixing) {
    var user = TT.app.user();
    if (fixing) {
      fixing.body = entry.body; fixing.label = entry.label;
      fixing.status = "pending"; fixing.problem = null;
      await TT.store.put(fixing);
    } else {
      entry.user = user.username;
      await TT.store.add(entry);
    }
    await TT.app.refreshCount(); // the counter already includes the entry when "saved" shows
    toast(t(fixing ? "fixed" : "savedLocal"));
    TT.sync.now();
    return entry;
  }

  // ---------- map and position ----------
  var leaflet = null, map = null, marker = null, circle = null, position = null;

  function loadLeaflet() {
    if (leaflet) return leaflet;
    leaflet = new Promise(function (resolve, reject) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: cfg.leaflet.css }));
      var s = el("script", { src: cfg.leaflet.js });
      s.onload = function () { resolve(window.L); };
      s.onerror = function () { leaflet = null; reject(new Error("Leaflet")); };
      document.head.appendChild(s);
    });
    return leaflet;
  }
  function setPosition(lat, lon, accuracy) {
    position = { type: "Point", coordinates: [Number(lon.toFixed(6)), Number(lat.toFixed(6))] };
    $("op-pos").textContent = accuracy != null ? t("accuracy", { m: Math.round(accuracy) }) : t("mapPosition");
    $("op-pos").removeAttribute("data-t");
    if (!map) return;
    var ll = [lat, lon];
    if (!marker) marker = window.L.marker(ll, { keyboard: false }).addTo(map); else marker.setLatLng(ll);
    if (circle) { circle.remove(); circle = null; }
    if (accuracy != null) circle = window.L.circle(ll, { radius: accuracy, weight: 1 }).addTo(map);
    map.setView(ll, Math.max(map.getZoom(), 15));
  }
  async function showMap() {
    var L;
    try { L = await loadLeaflet(); } catch (e) { return; }
    if (map) { map.invalidateSize(); return; }
    L.Icon.Default.imagePath = cfg.leaflet.images;
    map = L.map("op-map", { keyboard: true }).setView(cfg.center, 13);
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles.url, { attribution: cfg.tiles.attribution, maxZoom: cfg.tiles.maxZoom }).addTo(map);
    }
    map.on("click", function (e) { setPosition(e.latlng.lat, e.latlng.lng, null); });
    if (position) setPosition(position.coordinates[1], position.coordinates[0], null);
  }
  function locate() {
    if (!navigator.geolocation) { $("op-pos").textContent = t("noGeo", { e: "—" }); return; }
    $("op-pos").textContent = t("locating");
    navigator.geolocation.getCurrentPosition(
      function (p) { setPosition(p.coords.latitude, p.coords.longitude, p.coords.accuracy); },
      function (err) { $("op-pos").textContent = t("noGeo", { e: err.message }); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  // ---------- new operation ----------
  var opFixing = null;
  function resetOpForm(entry) {
    opFixing = entry || null;
    var b = entry ? entry.body : null;
    chipGroup($("op-focus"), "focus", null, null, single($("op-focus")));
    press($("op-focus"), [b ? b.focus : "A_TRAKTOR"]);
    var today = new Date();
    $("op-title").value = b ? b.title : (TT.i18n.lang() === "en" ? "Traffic control " : "Trafikkontroll ") + localInput(today).slice(0, 10);
    $("op-place").value = b && b.place_name ? b.place_name : "";
    $("op-officers").value = b && b.officer_count ? b.officer_count : 2;
    $("op-start").value = localInput(b && b.actual_start ? new Date(b.actual_start) : today);
    $("op-end").value = b && b.planned_end ? localInput(new Date(b.planned_end)) : "";
    $("op-error").textContent = "";
    position = b && b.geometry ? b.geometry : null;
    $("op-pos").textContent = position ? t("mapPosition") : t("noPosition");
    showMap();
  }
  async function submitOp(ev) {
    ev.preventDefault();
    $("op-error").textContent = "";
    var title = $("op-title").value.trim();
    if (!title) return fail("op-error", "needTitle");
    if (!$("op-start").value) return fail("op-error", "needStart");
    if (!position) return fail("op-error", "needPosition");
    var id = opFixing ? opFixing.id : uuid();
    var body = {
      id: id, title: title, focus: pressed($("op-focus"))[0] || "OTHER", status: "ONGOING",
      geometry: position, actual_start: iso($("op-start").value), officer_count: num("op-officers")
    };
    if ($("op-place").value.trim()) body.place_name = $("op-place").value.trim();
    if ($("op-end").value) body.planned_end = iso($("op-end").value);
    var entry = { id: id, kind: "operation", method: "POST", url: "/api/v1/operations", body: body, label: title };
    var fixing = opFixing;
    await save(entry, fixing);
    TT.app.rememberOp(Object.assign({}, body, { local: true }));
    location.hash = fixing ? "#outbox" : "#op/" + id;
  }

  // ---------- vehicle check ----------
  var checkFixing = null;
  function toggleOutcome(b) {
    var code = b.getAttribute("data-code");
    var on = b.getAttribute("aria-pressed") !== "true";
    var list = pressed($("check-outcomes")).filter(function (c) { return c !== code; });
    if (on) {
      if (code === cfg.noRemark) { list = []; press($("check-findings"), []); }
      else list = list.filter(function (c) { return c !== cfg.noRemark; });
      list.push(code);
    }
    press($("check-outcomes"), list);
  }
  function toggleFinding(b) {
    var on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) press($("check-outcomes"), pressed($("check-outcomes")).filter(function (c) { return c !== cfg.noRemark; }));
  }
  function chooseType(b) {
    press($("check-type"), [b.getAttribute("data-code")]);
    syncATraktor();
  }
  function syncATraktor() {
    var show = A_TRAKTOR.indexOf(pressed($("check-type"))[0]) >= 0;
    $("atraktor").hidden = !show;
    if (!show) ["c-limiter", "c-lgf", "c-rear"].forEach(function (id) { $(id).value = ""; });
  }
  function resetCheckForm(entry) {
    checkFixing = entry || null;
    $("fixing").hidden = !checkFixing;
    var b = entry ? entry.body : {};
    press($("check-type"), b.vehicle_type ? [b.vehicle_type] : []);
    press($("check-outcomes"), b.outcomes && b.outcomes.length ? b.outcomes : [cfg.noRemark]);
    press($("check-findings"), b.findings || []);
    var tris = { "c-limiter": b.limiter_tampered, "c-lgf": b.lgf_sign_ok, "c-rear": b.rear_space_blocked };
    Object.keys(tris).forEach(function (id) { $(id).value = tris[id] == null ? "" : String(tris[id]); });
    var nums = { "c-speed": b.measured_speed_kmh, "c-limit": b.speed_limit_kmh, "c-fine": b.fine_amount_sek, "c-passengers": b.passengers };
    Object.keys(nums).forEach(function (id) { $(id).value = nums[id] == null ? "" : nums[id]; });
    $("c-method").value = b.speed_method || "";
    $("c-plate").value = b.plate || "";
    $("c-note").value = b.note || "";
    $("speed-details").open = b.measured_speed_kmh != null;
    $("more-details").open = b.fine_amount_sek != null || !!b.note || !!b.plate || b.passengers != null;
    $("check-error").textContent = "";
    syncATraktor();
  }
  async function submitCheck(ev) {
    ev.preventDefault();
    $("check-error").textContent = "";
    var op = TT.app.currentOp();
    var type = pressed($("check-type"))[0];
    if (!type) return fail("check-error", "needType");
    var findings = pressed($("check-findings")), outcomes = pressed($("check-outcomes"));
    if (findings.length && !outcomes.length) return fail("check-error", "needFindingOutcome");
    var geometry = TT.app.opPoint(op);
    if (!geometry) return fail("check-error", "needPosition");
    var id = checkFixing ? checkFixing.id : uuid();
    var body = {
      id: id, operation_id: op.id,
      checked_at: checkFixing ? checkFixing.body.checked_at : new Date().toISOString(),
      geometry: geometry, vehicle_type: type, findings: findings, outcomes: outcomes
    };
    var extra = {
      limiter_tampered: tri("c-limiter"), lgf_sign_ok: tri("c-lgf"), rear_space_blocked: tri("c-rear"),
      measured_speed_kmh: num("c-speed"), speed_limit_kmh: num("c-limit"),
      speed_method: $("c-method").value || null, fine_amount_sek: num("c-fine"), passengers: num("c-passengers"),
      plate: $("c-plate").value.trim() || null, note: $("c-note").value.trim() || null
    };
    if (extra.measured_speed_kmh != null && !extra.speed_method) return fail("check-error", "needMethod");
    Object.keys(extra).forEach(function (k) { if (extra[k] != null) body[k] = extra[k]; });
    var label = shortLabel(term("vehicle_type", type)) + " – " +
      outcomes.map(function (c) { return shortLabel(term("outcome", c)); }).join(", ");
    var fixing = checkFixing;
    await save({ id: id, kind: "check", method: "POST", url: "/api/v1/checks", body: body, label: label, opId: op.id }, fixing);
    resetCheckForm(null);
    if (fixing) location.hash = "#outbox";
    else TT.app.renderRecent();
  }

  // ---------- tally ----------
  var tally = { opId: null, counts: {}, from: null };
  var tallyFixing = null;
  function loadTally(opId) {
    var kept = JSON.parse(localStorage.getItem("tt.tally") || "null");
    tally = kept && kept.opId === opId ? kept : { opId: opId, counts: {}, from: null };
  }
  function keepTally() { localStorage.setItem("tt.tally", JSON.stringify(tally)); }
  function tallyRows() {
    var tpl = $("tally-row");
    [["tally-rows", TALLY_OUTCOMES], ["tally-rows-more", null]].forEach(function (spec) {
      var box = $(spec[0]);
      box.textContent = "";
      vocab("outcome").filter(function (x) {
        return spec[1] ? spec[1].indexOf(x.code) >= 0 : TALLY_OUTCOMES.indexOf(x.code) < 0;
      }).sort(function (a, b) {
        return spec[1] ? spec[1].indexOf(a.code) - spec[1].indexOf(b.code) : 0;
      }).forEach(function (x) {
        var row = tpl.content.firstElementChild.cloneNode(true);
        var label = shortLabel(x), labelId = "tally-l-" + x.code, countId = "tally-c-" + x.code;
        row.setAttribute("data-code", x.code);
        row.querySelector(".tally-label").textContent = label;
        row.querySelector(".tally-label").id = labelId;
        var out = row.querySelector(".tally-count");
        out.id = countId;
        out.setAttribute("aria-labelledby", labelId);
        var minus = row.querySelector(".minus"), plus = row.querySelector(".plus");
        minus.setAttribute("aria-label", t("dec") + ": " + label);
        plus.setAttribute("aria-label", t("inc") + ": " + label);
        minus.addEventListener("click", function () { bump(x.code, -1); });
        plus.addEventListener("click", function () { bump(x.code, 1); });
        box.appendChild(row);
      });
    });
    showTally();
  }
  function bump(code, by) {
    var n = Math.max(0, (tally.counts[code] || 0) + by);
    if (n) tally.counts[code] = n; else delete tally.counts[code];
    if (!tally.from && by > 0) tally.from = new Date().toISOString();
    keepTally();
    showTally();
  }
  function total() {
    return Object.keys(tally.counts).reduce(function (s, k) { return s + tally.counts[k]; }, 0);
  }
  function showTally() {
    document.querySelectorAll(".tally-row").forEach(function (row) {
      row.querySelector(".tally-count").textContent = tally.counts[row.getAttribute("data-code")] || 0;
    });
    $("tally-total").textContent = t("vehicles", { n: total() });
  }
  function resetTally(opId, entry) {
    tallyFixing = entry || null;
    $("fixing").hidden = !(tallyFixing || checkFixing);
    if (entry) {
      tally = { opId: opId, counts: Object.assign({}, entry.body.counts), from: entry.body.counted_from };
      $("t-type").value = entry.body.vehicle_type || "";
    } else {
      loadTally(opId);
    }
    $("tally-error").textContent = "";
    tallyRows();
  }
  async function submitTally(ev) {
    ev.preventDefault();
    $("tally-error").textContent = "";
    if (!total()) return fail("tally-error", "needCount");
    var op = TT.app.currentOp();
    var id = tallyFixing ? tallyFixing.id : uuid();
    var now = new Date().toISOString();
    var body = {
      id: id, operation_id: op.id, counted_from: tally.from || now,
      counted_to: tallyFixing ? tallyFixing.body.counted_to : now, counts: Object.assign({}, tally.counts)
    };
    if ($("t-type").value) body.vehicle_type = $("t-type").value;
    var fixing = tallyFixing;
    await save({ id: id, kind: "tally", method: "POST", url: "/api/v1/tallies", body: body,
      label: t("tallyOf", { n: total() }), opId: op.id }, fixing);
    localStorage.removeItem("tt.tally");
    resetTally(op.id, null);
    if (fixing) location.hash = "#outbox";
    else TT.app.renderRecent();
  }

  // ---------- presence ----------
  function openPresence() { return JSON.parse(localStorage.getItem("tt.presenceOpen") || "null"); }
  function showPresence() {
    var open = openPresence();
    var user = TT.app.user();
    var mine = open && user && open.user === user.username;
    $("presence-open").hidden = !mine;
    $("presence-form").hidden = !!mine;
    if (mine) {
      $("presence-status").textContent = t("checkedIn", { z: open.zone, t: new Date(open.start).toLocaleTimeString(TT.i18n.lang() === "en" ? "en-GB" : "sv-SE", { hour: "2-digit", minute: "2-digit" }) });
      return;
    }
    var zones = TT.app.zones().slice().sort(function (a, b) {
      return (b.kind === "RESECENTRUM") - (a.kind === "RESECENTRUM") || a.name.localeCompare(b.name, "sv");
    });
    var sel = $("p-zone"), keep = sel.value;
    sel.textContent = "";
    zones.forEach(function (z) { sel.appendChild(el("option", { value: z.id }, z.name)); });
    if (keep) sel.value = keep;
    var mode = $("p-mode").value;
    options($("p-mode"), "presence_mode");
    $("p-mode").value = mode || "FOOT";
    $("p-unit").value = $("p-unit").value || localStorage.getItem("tt.unit") || "";
    $("presence-error").textContent = "";
  }
  async function checkIn(ev) {
    ev.preventDefault();
    $("presence-error").textContent = "";
    var zoneId = $("p-zone").value, unit = $("p-unit").value.trim();
    if (!zoneId) return fail("presence-error", "needZone");
    if (!unit) return fail("presence-error", "needUnit");
    localStorage.setItem("tt.unit", unit);
    var zone = $("p-zone").selectedOptions[0].textContent;
    var id = uuid(), start = new Date().toISOString();
    var body = { id: id, unit: unit, officers: num("p-officers") || 1, mode: $("p-mode").value,
      kind: "ZONE_CHECKIN", zone_id: zoneId, start_at: start };
    await save({ id: id, kind: "presence", method: "POST", url: "/api/v1/presence", body: body, label: zone }, null);
    localStorage.setItem("tt.presenceOpen", JSON.stringify({ id: id, zone: zone, start: start, user: TT.app.user().username }));
    showPresence();
    $("checkout-btn").focus();
  }
  /** A check-in still in the outbox gets its end time; one already sent gets a checkout call. */
  async function checkOut() {
    var open = openPresence();
    if (!open) return;
    var end = new Date().toISOString();
    await TT.sync.exclusive(async function () {
      var entry = await TT.store.get(open.id);
      if (entry && entry.status !== "sent") {
        entry.body.end_at = end;
        entry.status = "pending"; entry.problem = null;
        await TT.store.put(entry);
      } else {
        await TT.store.add({ id: uuid(), kind: "checkout", method: "POST", url: "/api/v1/presence/" + open.id + "/checkout",
          body: null, label: open.zone, user: TT.app.user().username });
      }
    });
    localStorage.removeItem("tt.presenceOpen");
    await TT.app.refreshCount();
    toast(t("checkedOut") + " – " + t("savedLocal"));
    TT.sync.now();
    showPresence();
    $("p-zone").focus();
  }

  // ---------- wiring ----------
  function setMode(tallyMode) {
    $("mode-check").setAttribute("aria-pressed", tallyMode ? "false" : "true");
    $("mode-tally").setAttribute("aria-pressed", tallyMode ? "true" : "false");
    $("check-form").hidden = tallyMode;
    $("tally-form").hidden = !tallyMode;
  }
  function build() {
    chipGroup($("check-type"), "vehicle_type", null, null, chooseType);
    chipGroup($("check-outcomes"), "outcome", COMMON_OUTCOMES, "allOutcomes", toggleOutcome);
    chipGroup($("check-findings"), "finding", COMMON_FINDINGS, "moreFindings", toggleFinding);
    ["c-limiter", "c-lgf", "c-rear"].forEach(function (id) { triOptions($(id)); });
    options($("c-method"), "speed_method", "notChecked");
    options($("t-type"), "vehicle_type", "anyType");
  }
  function init() {
    build();
    $("op-form").addEventListener("submit", submitOp);
    $("op-locate").addEventListener("click", locate);
    $("check-form").addEventListener("submit", submitCheck);
    $("tally-form").addEventListener("submit", submitTally);
    $("presence-form").addEventListener("submit", checkIn);
    $("checkout-btn").addEventListener("click", checkOut);
    $("mode-check").addEventListener("click", function () { setMode(false); });
    $("mode-tally").addEventListener("click", function () { setMode(true); });
  }

  TT.forms = {
    init: init,
    uuid: uuid,
    el: el,
    toast: toast,
    shortLabel: shortLabel,
    term: term,
    /** Rebuild chips and lists after a language switch, keeping what is chosen. */
    relabel: function () {
      var keep = [pressed($("check-type")), pressed($("check-outcomes")), pressed($("check-findings")), pressed($("op-focus"))];
      var method = $("c-method").value, type = $("t-type").value;
      var tris = ["c-limiter", "c-lgf", "c-rear"].map(function (id) { return $(id).value; });
      build();
      chipGroup($("op-focus"), "focus", null, null, single($("op-focus")));
      press($("check-type"), keep[0]); press($("check-outcomes"), keep[1]); press($("check-findings"), keep[2]);
      press($("op-focus"), keep[3]);
      $("c-method").value = method; $("t-type").value = type;
      ["c-limiter", "c-lgf", "c-rear"].forEach(function (id, i) { $(id).value = tris[i]; });
      tallyRows();
    },
    newOp: resetOpForm,
    openOp: function (op, fixEntry) {
      var check = fixEntry && fixEntry.kind === "check" ? fixEntry : null;
      var tal = fixEntry && fixEntry.kind === "tally" ? fixEntry : null;
      resetCheckForm(check);
      resetTally(op.id, tal);
      setMode(!!tal);
    },
    presence: showPresence
  };
})();
