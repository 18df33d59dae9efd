/* Sends the outbox in order, each entry with Idempotency-Key = its id, so a retry after a
   lost answer never makes a second record. Runs on load, when the connection returns, after
   each save and, while anything waits, again with growing pauses (5 s doubling to 5 min). */
(function () {
  "use strict";
  var TT = (window.TT = window.TT || {});
  var MIN_WAIT = 5000, MAX_WAIT = 300000;
  // A checkout (no Idempotency-Key support), repeated after a lost answer, is refused with 422
  // on end_at ("already checked out"): what was asked for is done. Ending an operation is a
  // PATCH of status and end time, the same however often it is sent.
  var ALREADY_DONE = { checkout: "end_at" };
  var timer = null, wait = MIN_WAIT;

  function problemOf(res) {
    return res.json().catch(function () { return {}; }).then(function (body) {
      return {
        status: res.status,
        title: body.title || res.statusText,
        detail: body.detail || "",
        errors: Array.isArray(body.errors) ? body.errors : []
      };
    });
  }

  function send(entry) {
    var init = {
      method: entry.method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Idempotency-Key": entry.id }
    };
    if (entry.body !== undefined && entry.body !== null) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(entry.body);
    }
    return fetch(entry.url, init);
  }

  /** What an answer means for the entry: "sent", "rejected", "auth" or "later". */
  function verdict(entry, res) {
    if (res.ok) return "sent";
    if (res.status === 401) return "auth";
    if (res.status === 409 || res.status === 429 || res.status >= 500) return "later";
    return "rejected";
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(TT.sync.run, ms);
  }

  async function pass() {
    var user = TT.app.user();
    if (!user) return;
    var rows = (await TT.store.unsent()).filter(function (e) {
      return e.status === "pending" && e.user === user.username;
    });
    for (var i = 0; i < rows.length; i++) {
      var entry = rows[i], res;
      try {
        res = await send(entry);
      } catch (err) {
        TT.sync.last = { at: new Date(), ok: false, reason: TT.i18n.t("netError") };
        schedule(wait);
        wait = Math.min(wait * 2, MAX_WAIT);
        return;
      }
      var v = verdict(entry, res), problem = null;
      if (v === "rejected") {
        problem = await problemOf(res);
        var done = ALREADY_DONE[entry.kind];
        if (done && res.status === 422 && problem.errors.some(function (f) { return f.field === done; })) v = "sent";
      }
      if (v === "sent") {
        entry.status = "sent";
        entry.sentAt = new Date().toISOString();
        entry.problem = null;
        await TT.store.put(entry);
        TT.app.sent(entry);
      } else if (v === "rejected") {
        entry.status = "rejected";
        entry.problem = problem;
        await TT.store.put(entry);
      } else if (v === "auth") {
        TT.sync.last = { at: new Date(), ok: false, reason: "401" };
        TT.app.loginExpired();
        return;
      } else {
        var retry = parseInt(res.headers.get("Retry-After") || "0", 10) * 1000;
        TT.sync.last = { at: new Date(), ok: false, reason: String(res.status) };
        schedule(Math.max(retry, wait));
        wait = Math.min(wait * 2, MAX_WAIT);
        return;
      }
    }
    TT.sync.last = { at: new Date(), ok: true, reason: "ok" };
    wait = MIN_WAIT;
  }

  var chain = Promise.resolve(), queued = false;

  TT.sync = {
    last: null,
    /** Send what waits (one pass at a time; calls during a pass make at most one more). */
    run: function () {
      if (queued) return chain;
      queued = true;
      clearTimeout(timer);
      chain = chain
        .then(function () { queued = false; return pass(); })
        .catch(function (err) { console.warn("sync", err); schedule(wait); })
        .then(function () { return TT.app.refreshCount(); });
      return chain;
    },
    /** Run fn while no pass runs (to change an entry that a pass might be sending). */
    exclusive: function (fn) {
      var p = chain.then(fn);
      chain = p.catch(function () {});
      return p;
    },
    /** Forget the backoff (the network is back, or the user asked). */
    now: function () { wait = MIN_WAIT; return TT.sync.run(); },
    start: function () {
      window.addEventListener("online", TT.sync.now);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") TT.sync.run();
      });
      return TT.sync.run();
    }
  };
})();
