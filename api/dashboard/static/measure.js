// The measure form: create (POST) or edit (PATCH with If-Match), and the status workflow.
"use strict";

(function () {
  const data = window.tt.dataBlock("measure-data") || {};
  const form = document.getElementById("measure-form");
  const geometry = document.getElementById("m-geometry");
  const message = document.getElementById("measure-message");
  window.ttMeasureMap = window.ttDrawMap(document.getElementById("draw-map"), geometry);
  const ifMatch = data.id ? { "If-Match": '"v' + data.version + '"' } : {};

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function value(name) {
    const v = form.elements[name].value.trim();
    return v === "" ? null : v;
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    let geom;
    try {
      geom = geometry.value.trim() ? JSON.parse(geometry.value) : null;
    } catch (err) {
      window.tt.say(message, "geometry: " + err.message, true);
      return;
    }
    if (!geom) {
      window.tt.say(message, message.dataset.noGeometry, true);
      return;
    }
    const body = {
      title: value("title"),
      kind: value("kind"),
      description: value("description"),
      proposed_on: value("proposed_on"),
      cost_sek: value("cost_sek") === null ? null : Number(value("cost_sek")),
      geometry: geom,
    };
    let res;
    if (data.id) {
      res = await window.tt.send("PATCH", "/api/v1/measures/" + data.id, body, ifMatch);
    } else {
      body.id = newId();
      res = await window.tt.send("POST", "/api/v1/measures", body);
    }
    if (!res.ok) {
      window.tt.say(message, window.tt.problemText(res.data, res.status), true);
      return;
    }
    window.tt.say(message, message.dataset.saved, false);
    const lang = document.body.dataset.lang === "en" ? "?lang=en" : "";
    window.location.assign("/dashboard/measures/" + res.data.id + lang);
  });

  const statusForm = document.getElementById("status-form");
  const stamp = { PLANNED: "planned_on", IN_PROGRESS: "started_on", COMPLETED: "completed_on" };
  if (statusForm && statusForm.elements.status) {
    statusForm.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const status = statusForm.elements.status.value;
      const body = { status: status };
      const day = statusForm.elements.date.value;
      if (day && stamp[status]) body[stamp[status]] = day;
      const res = await window.tt.send("PATCH", "/api/v1/measures/" + data.id, body, ifMatch);
      if (!res.ok) {
        window.tt.say(document.getElementById("status-message"), window.tt.problemText(res.data, res.status), true);
        return;
      }
      window.location.reload();
    });
  }
})();
