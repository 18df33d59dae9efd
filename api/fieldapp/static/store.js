/* The outbox: every entry is written to IndexedDB (durably) before the app calls it saved.
   An entry is one API write: {id, seq, kind, method, url, body, status, problem, user, ...};
   its id is the record's client-generated UUID and the Idempotency-Key it is sent with. */
(function () {
  "use strict";
  var TT = (window.TT = window.TT || {});
  var DB = "trafiktrygg-falt", STORE = "outbox", KEEP_SENT_MS = 24 * 3600 * 1000;
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore(STORE, { keyPath: "id" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  /** Run fn(store) in a transaction; resolve with its result once the transaction is durable. */
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode, { durability: "strict" });
        var result;
        var req = fn(t.objectStore(STORE));
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error || new Error("IndexedDB transaction failed")); };
      });
    });
  }

  var seq = 0;
  TT.store = {
    /** Store a new entry; resolves only when it is on disk. */
    add: function (entry) {
      entry.seq = Date.now() * 1000 + (seq++ % 1000);
      entry.status = "pending";
      entry.createdAt = new Date().toISOString();
      return tx("readwrite", function (s) { return s.add(entry); }).then(function () { return entry; });
    },
    put: function (entry) {
      return tx("readwrite", function (s) { return s.put(entry); }).then(function () { return entry; });
    },
    get: function (id) {
      return tx("readonly", function (s) { return s.get(id); });
    },
    remove: function (id) {
      return tx("readwrite", function (s) { return s.delete(id); });
    },
    /** All entries in the order they were made; sent ones older than a day are dropped. */
    all: function () {
      return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
        var cutoff = Date.now() - KEEP_SENT_MS;
        var old = rows.filter(function (e) { return e.status === "sent" && Date.parse(e.sentAt) < cutoff; });
        old.forEach(function (e) { TT.store.remove(e.id); });
        return rows.filter(function (e) { return old.indexOf(e) < 0; })
          .sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    /** Entries not yet accepted by the server (waiting or rejected). */
    unsent: function () {
      return TT.store.all().then(function (rows) {
        return rows.filter(function (e) { return e.status !== "sent"; });
      });
    }
  };
})();
