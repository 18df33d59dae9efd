// Incidents: record one (a point clicked on the map), or import a file through the import API.
"use strict";

(function () {
  const form = document.getElementById("incident-form");
  const geometry = document.getElementById("i-geometry");
  const message = document.getElementById("incident-message");
  window.ttIncidentMap = window.ttDrawMap(document.getElementById("incident-map"), geometry, { shapes: ["Marker"] });
  // A plain click also places the point: the quickest way on a tablet.
  window.ttIncidentMap.map.on("click", function (e) {
    if (window.ttIncidentMap.map.pm.globalDrawModeEnabled()) return;
    window.ttIncidentMap.show({ type: "Point", coordinates: [e.latlng.lng, e.latlng.lat] });
    geometry.value = JSON.stringify({ type: "Point", coordinates: [+e.latlng.lng.toFixed(6), +e.latlng.lat.toFixed(6)] });
  });

  function reloadSoon() { window.setTimeout(function () { window.location.reload(); }, 600); }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    let geom = null;
    try { geom = geometry.value.trim() ? JSON.parse(geometry.value) : null; } catch (err) {
      window.tt.say(message, "geometry: " + err.message, true);
      return;
    }
    if (!geom) { window.tt.say(message, message.dataset.noPlace, true); return; }
    const when = form.elements.occurred_at.value;
    const body = {
      kind: form.elements.kind.value,
      source: form.elements.source.value,
      severity: form.elements.severity.value || null,
      description: form.elements.description.value.trim() || null,
      occurred_at: when ? new Date(when).toISOString() : null,
      geometry: geom,
    };
    const res = await window.tt.send("POST", "/api/v1/incidents", body);
    if (!res.ok) { window.tt.say(message, window.tt.problemText(res.data, res.status), true); return; }
    window.tt.say(message, message.dataset.saved, false);
    reloadSoon();
  });

  const imp = document.getElementById("import-form");
  const impMessage = document.getElementById("import-message");
  const list = document.getElementById("import-problems");
  imp.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = imp.elements.file.files[0];
    if (!file) { imp.elements.file.focus(); return; }
    const params = new URLSearchParams({ filename: file.name, partial: imp.elements.partial.checked ? "true" : "false" });
    const res = await fetch("/api/v1/imports/incidents?" + params.toString(), {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/octet-stream" }, body: file,
    });
    const data = await res.json();
    list.textContent = "";
    (data.problems || data.errors || []).forEach(function (p) {
      const li = document.createElement("li");
      li.textContent = p.row !== undefined ? "rad " + p.row + ": " + p.field + ": " + p.message : p.field + ": " + p.message;
      list.appendChild(li);
    });
    if (!res.ok) { window.tt.say(impMessage, window.tt.problemText(data, res.status), true); return; }
    window.tt.say(impMessage, data.accepted + " " + impMessage.dataset.imported +
      (data.rejected_rows ? ", " + data.rejected_rows + " " + impMessage.dataset.rejected : ""), false);
    reloadSoon();
  });
})();
