/* Swedish first, English on request; the choice is kept in localStorage.
   Texts in the page are written in Swedish and marked data-t; JS-only texts live here in both. */
(function () {
  "use strict";
  var TT = (window.TT = window.TT || {});
  var en = {
    skip: "Skip to content", brand: "Trafiktrygg field", unsent: "Unsent", loading: "Starting …",
    offline: "No connection – everything is kept on the phone and sent later.",
    loginTitle: "Log in", username: "Username", password: "Password", login: "Log in",
    signedInAs: "Signed in as", logout: "Log out",
    relogin: "Your login has expired. Log in again to send what is waiting.",
    opsTitle: "Ongoing operations", noOps: "No ongoing operations. Start a new one.",
    newOp: "New operation", presence: "Presence: check in/out", newOpTitle: "New operation",
    opName: "Name", focus: "Focus", place: "Place (name)", position: "Position", myPosition: "My position",
    noPosition: "No position chosen. Use my position or tap the map.", mapLabel: "Map: tap to choose the place",
    officers: "Number of officers", start: "Start", plannedEnd: "Planned end (optional)",
    startOp: "Start the operation", cancel: "Cancel", changeOp: "Change operation",
    fixing: "You are fixing a rejected entry. Save to send it again.", mode: "Mode",
    modeCheck: "Check", modeTally: "Tally", vehicleType: "Vehicle type", outcome: "Outcome",
    findings: "Findings", atraktor: "A-tractor", limiter: "Tampered speed limiter", lgfOk: "Slow-vehicle sign in order",
    rearBlocked: "Luggage space and rear seat blocked", speed: "Speed", measuredSpeed: "Measured speed (km/h)",
    speedLimit: "Speed limit (km/h)", speedMethod: "Method", more: "More: note, fine, passengers",
    fine: "Fine (SEK)", passengers: "Passengers", plate: "Registration number (kept only as a pseudonym)",
    note: "Note", saveCheck: "Save check", vehicleTypeOptional: "Vehicle type (optional)",
    moreOutcomes: "More outcomes", saveTally: "Save tally", recent: "Recently saved here", back: "Back",
    presenceTitle: "Presence", checkOut: "Check out", zone: "Zone", unit: "Unit (call sign)",
    presenceMode: "Mode", checkIn: "Check in", outboxTitle: "Unsent entries", sendNow: "Send now",
    // JS-only
    moreFindings: "More findings", allOutcomes: "More outcomes", notChecked: "not checked", yes: "yes", no: "no",
    anyType: "all types", savedLocal: "Saved on the phone", savedSent: "Saved and sent",
    accuracy: "Position ±{m} m", mapPosition: "Position chosen on the map", locating: "Finding position …",
    noGeo: "Position not available: {e}. Tap the map instead.", needPosition: "Choose a position: my position or tap the map.",
    needTitle: "Give the operation a name.", needStart: "Give a start time.", needType: "Choose a vehicle type.",
    needMethod: "A measured speed needs its method.", needFindingOutcome: "A check with findings needs an outcome.",
    needCount: "Count at least one vehicle.", needZone: "Choose a zone.", needUnit: "Give the unit's call sign.",
    loginFailed: "Wrong username or password.", loginOffline: "No connection: logging in needs the network once.",
    started: "started {t}", planned: "planned {t}", localOp: "not yet sent", opLabel: "Operation",
    kind_operation: "Operation", kind_check: "Check", kind_tally: "Tally", kind_presence: "Check-in", kind_checkout: "Check-out",
    pending: "waiting to be sent", rejected: "rejected", sent: "sent", fix: "Fix", discard: "Discard", resend: "Send again",
    confirmDiscard: "Discard this entry? It will not be sent.", outboxEmpty: "Everything is sent.",
    outboxCount: "{n} entries not yet sent.", outboxOne: "1 entry not yet sent.", lastTry: "Last attempt {t}: {r}", netError: "no connection",
    confirmLogout: "{n} entries are not yet sent. They are sent when you log in again. Log out?",
    checkedIn: "Checked in at {z} since {t}.", checkedInShort: "Checked in", checkedOut: "Checked out",
    vehicles: "{n} vehicles", noEntries: "Nothing saved here yet.", tallyOf: "tally, {n} vehicles",
    fixed: "Fixed – will be sent again", discarded: "Discarded", dec: "Decrease", inc: "Increase",
    confirmEnd: "End the operation now? Its end time is now.", opEnded: "Operation ended",
    kind_endop: "End of operation",
    notPolice: "Only police roles can log checks and presence; what you save will be rejected."
  };
  var sv = {
    moreFindings: "Fler anmärkningar", allOutcomes: "Fler utfall", notChecked: "ej kontrollerat", yes: "ja", no: "nej",
    anyType: "alla typer", savedLocal: "Sparad i telefonen", savedSent: "Sparad och skickad",
    accuracy: "Position ±{m} m", mapPosition: "Position vald på kartan", locating: "Hämtar position …",
    noGeo: "Ingen position: {e}. Tryck på kartan i stället.", needPosition: "Välj plats: min position eller tryck på kartan.",
    needTitle: "Ge insatsen ett namn.", needStart: "Ange starttid.", needType: "Välj fordonstyp.",
    needMethod: "En uppmätt hastighet behöver mätmetod.", needFindingOutcome: "En kontroll med anmärkning behöver ett utfall.",
    needCount: "Räkna minst ett fordon.", needZone: "Välj område.", needUnit: "Ange enhetens anropssignal.",
    loginFailed: "Fel användarnamn eller lösenord.", loginOffline: "Ingen anslutning: inloggning kräver nät en gång.",
    started: "startad {t}", planned: "planerad {t}", localOp: "ännu inte skickad", opLabel: "Insats",
    kind_operation: "Insats", kind_check: "Kontroll", kind_tally: "Räkning", kind_presence: "Incheckning", kind_checkout: "Utcheckning",
    pending: "väntar på att skickas", rejected: "avvisad", sent: "skickad", fix: "Rätta", discard: "Släng", resend: "Skicka igen",
    confirmDiscard: "Slänga posten? Den skickas inte.", outboxEmpty: "Allt är skickat.",
    outboxCount: "{n} poster är inte skickade än.", outboxOne: "1 post är inte skickad än.", lastTry: "Senaste försök {t}: {r}", netError: "ingen anslutning",
    confirmLogout: "{n} poster är inte skickade. De skickas när du loggar in igen. Logga ut?",
    checkedIn: "Incheckad vid {z} sedan {t}.", checkedInShort: "Incheckad", checkedOut: "Utcheckad",
    vehicles: "{n} fordon", noEntries: "Inget sparat här än.", tallyOf: "räkning, {n} fordon",
    fixed: "Rättad – skickas igen", discarded: "Slängd", dec: "Minska", inc: "Öka",
    confirmEnd: "Avsluta insatsen nu? Sluttiden blir nu.", opEnded: "Insatsen avslutad",
    kind_endop: "Avslutad insats",
    notPolice: "Bara polisroller kan logga kontroller och närvaro; det du sparar avvisas."
  };
  var dict = { sv: sv, en: en };
  var lang = localStorage.getItem("tt.lang") === "en" ? "en" : "sv";

  function captureSwedish() {
    document.querySelectorAll("[data-t]").forEach(function (el) {
      var key = el.getAttribute("data-t");
      if (!(key in sv)) sv[key] = el.textContent.trim();
    });
    document.querySelectorAll("[data-t-label]").forEach(function (el) {
      var key = el.getAttribute("data-t-label");
      if (!(key in sv)) sv[key] = el.getAttribute("aria-label");
    });
  }

  TT.i18n = {
    lang: function () { return lang; },
    t: function (key, args) {
      var text = (dict[lang] && dict[lang][key]) || sv[key] || key;
      Object.keys(args || {}).forEach(function (k) { text = text.replace("{" + k + "}", args[k]); });
      return text;
    },
    /** Label of a vocabulary term in the current language. */
    label: function (term) { return lang === "en" ? term.en : term.sv; },
    apply: function () {
      document.documentElement.lang = lang;
      document.querySelectorAll("[data-t]").forEach(function (el) {
        el.textContent = TT.i18n.t(el.getAttribute("data-t"));
      });
      document.querySelectorAll("[data-t-label]").forEach(function (el) {
        el.setAttribute("aria-label", TT.i18n.t(el.getAttribute("data-t-label")));
      });
      var btn = document.getElementById("lang-btn");
      btn.textContent = lang === "en" ? "Svenska" : "English";
      btn.lang = lang === "en" ? "sv" : "en";
    },
    toggle: function () {
      lang = lang === "en" ? "sv" : "en";
      localStorage.setItem("tt.lang", lang);
      TT.i18n.apply();
    },
    init: captureSwedish
  };
})();
