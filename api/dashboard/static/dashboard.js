// Shared by every dashboard page: sign-out, and sending JSON to the API with the session cookie.
"use strict";

window.tt = (function () {
  /** Send ``body`` as JSON; resolve to {ok, status, data, etag} (data: JSON or problem+json). */
  async function send(method, url, body, headers) {
    const res = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json", Accept: "application/json" }, headers || {}),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    const type = res.headers.get("content-type") || "";
    if (type.includes("json")) data = await res.json();
    return { ok: res.ok, status: res.status, data: data, etag: res.headers.get("ETag") };
  }

  /** One line naming the field, from an RFC 9457 problem. */
  function problemText(data, status) {
    if (!data) return "HTTP " + status;
    const errors = (data.errors || []).map(function (e) {
      return (e.field || e.loc || "") + ": " + (e.message || e.detail || e.msg || "");
    });
    return [data.title || "", data.detail || ""].concat(errors).filter(Boolean).join(" – ");
  }

  /** Put ``text`` into the live region ``el`` (role=alert / status announces it). */
  function say(el, text, bad) {
    if (!el) return;
    el.hidden = false;
    el.textContent = text;
    el.classList.toggle("problems", !!bad);
    el.classList.toggle("notice", !bad);
  }

  function dataBlock(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  const logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      await send("POST", "/api/v1/auth/logout");
      window.location.assign(logout.dataset.after || "/");
    });
  }

  return { send: send, problemText: problemText, say: say, dataBlock: dataBlock };
})();
