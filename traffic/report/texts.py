"""The report's words, Swedish first and English on request: ``t(key, lang, **values)``."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ frame
    "title": ("Uppföljning av medborgarlöfte {years}", "Follow-up of the citizen promise {years}"),
    "subtitle": (
        "Polisen och Mjölby kommun – trafikmiljö och trygghet",
        "The Police and Mjölby municipality – traffic environment and safety",
    ),
    "half_1": ("första halvåret", "first half of"),
    "half_2": ("andra halvåret", "second half of"),
    "notice_internal": (
        "Intern version för Polisen och kommunen. Innehåller uppgifter om när och var polisen har "
        "varit på plats; får inte publiceras i denna form.",
        "Internal version for the Police and the municipality. Contains details of when and where "
        "the police were present; not to be published in this form.",
    ),
    "notice_public": (
        "Publicerad version. Uppgifter om kontroller tas med först {delay} dagar efter kontrollen, "
        "och antal mellan 1 och {n} döljs (”färre än 5”), så att ingen enskild händelse kan pekas ut.",
        "Published version. Control figures are included only {delay} days after the control, and "
        "counts from 1 to {n} are hidden (“fewer than 5”), so that no single event can be singled out.",
    ),
    "generated": (
        "Sammanställd {date} direkt ur registrerade uppgifter.",
        "Compiled on {date} directly from the records.",
    ),
    "period": ("Period", "Period"),
    "page": ("Sida {n}", "Page {n}"),
    "too_few": ("för få för att redovisa", "too few to report"),
    "suppressed": ("färre än 5", "fewer than 5"),
    "not_reported": ("ej inrapporterat", "not reported"),
    "unknown": ("ej angivet", "not given"),
    "status_met": ("uppnått", "met"),
    "status_not_met": ("ej uppnått", "not met"),
    "status_no_target": ("inget mål", "no target"),
    # ------------------------------------------------------------------ columns
    "col_group": ("", ""),
    "col_focus": ("Inriktning", "Focus"),
    "col_target": ("Mål", "Target"),
    "col_count": ("Antal", "Number"),
    "col_examined": ("Undersökta", "Examined"),
    "col_share": ("Andel", "Share"),
    "col_finding": ("Uppgift", "Item"),
    "col_indicator": ("Indikator", "Indicator"),
    "col_commitment": ("Åtagande", "Commitment"),
    "col_result": ("Utfall", "Result"),
    "col_status": ("Status", "Status"),
    "col_comment": ("Kommentar", "Comment"),
    "col_measure": ("Åtgärd", "Measure"),
    "col_kind": ("Slag", "Kind"),
    "col_completed": ("Klar", "Completed"),
    "col_owner": ("Ansvarig", "Owner"),
    "col_days": ("Dagar", "Days"),
    "col_before": ("Före", "Before"),
    "col_after": ("Efter", "After"),
    "col_comparison": ("Jämförelseområde före → efter", "Comparison area before → after"),
    "col_ratio": ("Kvot (95 % KI)", "Ratio (95% CI)"),
    # ------------------------------------------------------------------ summary
    "sec_summary": ("Sammanfattning: så har vi uppfyllt löftet", "Summary: how we kept the promise"),
    "summary_intro": (
        "Medborgarlöftet mellan Polisen och Mjölby kommun följs upp och redovisas två gånger per år. "
        "Den här uppföljningen gäller {period}. Alla siffror är räknade direkt ur de uppgifter som "
        "registrerats i Trafiktrygg; metoden beskrivs i avsnittet ”Om siffrorna”.",
        "The citizen promise between the Police and Mjölby municipality is followed up twice a year. "
        "This follow-up covers {period}. Every figure is counted directly from the records in "
        "Trafiktrygg; the method is described in the section “About the figures”.",
    ),
    "tab_summary": ("Åtaganden, mål och utfall", "Commitments, targets and results"),
    "summary_count": (
        "{met} av {total} indikatorer med mål nådde målet under perioden.",
        "{met} of {total} indicators with a target met it in the period.",
    ),
    # ------------------------------------------------------------------ enforcement
    "sec_enforcement": ("Riktade trafikövervakningsinsatser", "Targeted traffic enforcement"),
    "enf_summary": (
        "Polisen genomförde {ops} trafikinsatser under perioden, varav {a} med inriktning på "
        "A-traktorer. {vehicles} fordon kontrollerades; andelen med anmärkning var {share}.",
        "The police carried out {ops} traffic operations in the period, {a} of them focused on "
        "A-tractors. {vehicles} vehicles were checked; the share with a remark was {share}.",
    ),
    "ops_total": ("Genomförda insatser totalt", "Operations carried out, total"),
    "vehicles_total": ("Kontrollerade fordon totalt", "Vehicles checked, total"),
    "with_remark": ("Fordon med anmärkning", "Vehicles with a remark"),
    "with_remark_share": ("Andel fordon med anmärkning", "Share of vehicles with a remark"),
    "tab_ops_focus": ("Genomförda insatser per inriktning", "Operations carried out, by focus"),
    "chart_ops_focus": (
        "Genomförda insatser per inriktning och period",
        "Operations carried out by focus and period",
    ),
    "note_ops": (
        "Målen per halvår kommer från medborgarlöftets åtaganden; ”–” betyder inget mål.",
        "The half-year targets come from the commitments of the promise; “–” means no target.",
    ),
    "tab_vehicles_type": ("Kontrollerade fordon per fordonsslag", "Vehicles checked, by vehicle type"),
    "tab_outcomes": ("Utfall av kontrollerna (fordon)", "Outcomes of the checks (vehicles)"),
    "note_outcomes": (
        "Ett fordon kan få flera utfall (till exempel ordningsbot och körförbud) och räknas då under "
        "vart och ett.",
        "A vehicle can get several outcomes (for example a fine and a driving ban) and then counts "
        "under each.",
    ),
    "tab_findings": ("Anmärkningar vid kontrollerna", "Findings of the checks"),
    "sub_a_traktor": ("Resultat vid kontroller av A-traktorer", "Results of A-tractor checks"),
    "at_intro": (
        "{n} A- och EPA-traktorer kontrollerades. Andelarna räknas på de fordon där uppgiften undersöktes.",
        "{n} A- and EPA-tractors were checked. Shares are of the vehicles where the item was examined.",
    ),
    "tab_a_traktor": (
        "A- och EPA-traktorer: vad kontrollerna visade",
        "A- and EPA-tractors: what the checks found",
    ),
    "at_checked": ("A- och EPA-traktorer kontrollerade", "A- and EPA-tractors checked"),
    "at_limiter.examined": ("Hastighetsbegränsning undersökt", "Speed limiter examined"),
    "at_limiter.tampered": ("Manipulerad hastighetsbegränsning", "Tampered speed limiter"),
    "at_lgf.examined": ("LGF-skylt undersökt", "Slow-vehicle sign examined"),
    "at_lgf.missing": ("LGF-skylt saknas eller bristfällig", "Slow-vehicle sign missing or defective"),
    "at_rear_space.examined": ("Bakre utrymme undersökt", "Rear space examined"),
    "at_rear_space.open": ("Bakre utrymme inte avskärmat", "Rear space not blocked off"),
    "at_passengers.too_many": ("För många passagerare", "Too many passengers"),
    "at_speed.measured": ("Hastighet uppmätt", "Speed measured"),
    "at_speed.over_30": ("Uppmätt hastighet över 30 km/h", "Measured speed over 30 km/h"),
    "at_speed.median_kmh": ("Uppmätt hastighet, median", "Measured speed, median"),
    "at_speed.max_kmh": ("Uppmätt hastighet, högsta", "Measured speed, highest"),
    "at_speed_text": (
        "Hastigheten mättes på {n} A- och EPA-traktorer: median {median} km/h, högsta {top} km/h "
        "(gräns 30 km/h).",
        "Speed was measured on {n} A- and EPA-tractors: median {median} km/h, highest {top} km/h "
        "(limit 30 km/h).",
    ),
    # ------------------------------------------------------------------ presence
    "sec_presence": ("Närvaro i och omkring resecentrum", "Presence in and around the travel centre"),
    "pres_summary": (
        "Målet är minst {target} timmar polisnärvaro per vecka inom {zone}. Under perioden var "
        "polisen på plats i genomsnitt {hpw} timmar per vecka ({total} timmar totalt): målet är "
        "{status}. {meeting} av {full} hela veckor nådde målet. Andelen besök som varade 10–16 "
        "minuter, den längd som forskningen visar ger längst verkan efteråt, var {share}.",
        "The target is at least {target} hours of police presence per week within {zone}. In the "
        "period the police were present {hpw} hours per week on average ({total} hours in all): the "
        "target is {status}. {meeting} of {full} full weeks met the target. The share of visits lasting "
        "10–16 minutes, the length research finds to deter longest afterwards, was {share}.",
    ),
    "tab_presence": ("Närvaro inom {zone}", "Presence within {zone}"),
    "pres_hpw": ("Närvarotimmar per vecka", "Presence hours per week"),
    "pres_patrol_hours": (
        "Närvarotimmar totalt (minst en patrull på plats)",
        "Presence hours in all (at least one unit)",
    ),
    "pres_officer_hours": ("Polistimmar (poliser × timmar)", "Officer-hours (officers × hours)"),
    "pres_weeks_full": ("Hela veckor i perioden", "Full weeks in the period"),
    "pres_weeks_meeting": ("Hela veckor som nådde målet", "Full weeks that met the target"),
    "pres_visits": ("Besök", "Visits"),
    "pres_band_count": ("Besök på 10–16 minuter", "Visits of 10–16 minutes"),
    "pres_band_share": ("Andel besök på 10–16 minuter (Koper)", "Share of visits of 10–16 minutes (Koper)"),
    "pres_short_count": ("Andel besök kortare än 10 minuter", "Share of visits shorter than 10 minutes"),
    "pres_median_visit": ("Besökens längd, median", "Visit length, median"),
    "pres_days": ("Dagar i perioden", "Days in the period"),
    "pres_days_with": ("Dagar med närvaro", "Days with presence"),
    "pres_days_two": ("Dagar med minst två besök", "Days with at least two visits"),
    "pres_days_within": (
        "Dagar där alla uppehåll mellan besök var högst 2 timmar",
        "Days on which every gap between visits was at most 2 hours",
    ),
    "pres_day_gap_median": (
        "Längsta uppehåll mellan besök per dag, median",
        "Longest gap between visits per day, median",
    ),
    "pres_evenings_with": ("Kvällar (18–24) med närvaro", "Evenings (18–24) with presence"),
    "pres_evenings_within": (
        "Kvällar (18–24) utan uppehåll längre än 2 timmar",
        "Evenings (18–24) without a gap longer than 2 hours",
    ),
    "pres_evening_gap_median": (
        "Längsta uppehåll per kväll (18–24), median",
        "Longest gap per evening (18–24), median",
    ),
    "pres_kind_ZONE_CHECKIN": ("Incheckningar i zon", "Zone check-ins"),
    "pres_kind_POINT": ("Platsangivelser", "Point stays"),
    "pres_kind_TRACK": ("GPS-spår", "GPS tracks"),
    "len_lt5": ("under 5 min", "under 5 min"),
    "len_5to10": ("5–10 min", "5–10 min"),
    "len_band": ("10–16 min", "10–16 min"),
    "len_16to30": ("16–30 min", "16–30 min"),
    "len_30to60": ("30–60 min", "30–60 min"),
    "len_gt60": ("över 60 min", "over 60 min"),
    "chart_weekly": ("Närvarotimmar per vecka inom {zone}", "Presence hours per week within {zone}"),
    "chart_visits": ("Besökens längd", "Length of visits"),
    "axis_hours": ("timmar", "hours"),
    "axis_visits": ("besök", "visits"),
    "axis_count": ("antal", "number"),
    "legend_target": ("mål", "target"),
    "legend_partial": ("del av vecka", "part of a week"),
    "legend_band": ("10–16 min (Koper)", "10–16 min (Koper)"),
    "tab_matrix": (
        "Närvaro per veckodag och timme (minuter per vecka i genomsnitt)",
        "Presence by weekday and hour (minutes per week on average)",
    ),
    "note_matrix": (
        "Svensk tid. Vid byte till sommartid saknas timmen 02–03 en natt; vid byte till vintertid "
        "räknas den två gånger. Alla minuter är verklig tid.",
        "Swedish time. When summer time begins the hour 02–03 is missing one night; when it ends "
        "it occurs twice. All minutes are real elapsed time.",
    ),
    "map_presence": (
        "Var närvaron fanns inom {zone} (minuter per vecka, 50 m-rutor)",
        "Where presence was within {zone} (minutes per week, 50 m cells)",
    ),
    "pres_no_zone": (
        "Ingen zon med ett närvaromål är registrerad, så närvaron redovisas inte.",
        "No zone with a presence target is registered, so presence is not reported.",
    ),
    "pres_public_note": (
        "När och var polisen har varit på plats (tider, uppehåll och karta) redovisas inte i den "
        "publicerade versionen.",
        "When and where the police were present (times, gaps and the map) is not shown in the "
        "published version.",
    ),
    "pres_method": (
        "Närvaro räknas från incheckningar i zonen, platsangivelser inom zonen och GPS-spår (den del "
        "av spåret som ligger i zonen, med tiden för in- och utpassage beräknad). Tid då minst en "
        "patrull var på plats räknas en gång, även om flera patruller var där samtidigt. Uppehåll "
        "kortare än 5 minuter slås ihop till ett besök. Forskningen (Koper 1995) visar att besök på "
        "10–16 minuter, minst varannan timme, ger bäst effekt.",
        "Presence is counted from zone check-ins, point stays inside the zone and GPS tracks (the part "
        "of the track inside the zone, with the crossing times computed). Time with at least one unit "
        "present counts once, even when several units were there together. Breaks shorter than 5 "
        "minutes join into one visit. Research (Koper 1995) finds visits of 10–16 minutes, at least "
        "every two hours, work best.",
    ),
    # ------------------------------------------------------------------ measures
    "sec_measures": ("Trafiksäkerhetsåtgärder", "Traffic-safety measures"),
    "meas_summary": (
        "{n} trafiksäkerhetsåtgärder blev klara under {period}.",
        "{n} traffic-safety measures were completed in {period}.",
    ),
    "meas_completed": ("Genomförda trafiksäkerhetsåtgärder", "Completed traffic-safety measures"),
    "tab_meas_done": ("Åtgärder klara under perioden", "Measures completed in the period"),
    "tab_meas_status": (
        "Alla registrerade åtgärder efter status (i dag)",
        "All recorded measures by status (today)",
    ),
    "map_measures": ("Trafiksäkerhetsåtgärder efter status", "Traffic-safety measures by status"),
    "sub_effects": (
        "Före och efter: händelser kring genomförda åtgärder",
        "Before and after: events around completed measures",
    ),
    "eff_intro": (
        "För varje genomförd åtgärd räknas händelser (olyckor, tillbud, synpunkter) och kontroller med "
        "anmärkning inom {radius} meter, lika lång tid före arbetet som efter. Samma räkning görs för "
        "resten av kommunen (längre bort än {outer} meter) som jämförelse. Kvoten jämför förändringen "
        "vid åtgärden med förändringen i jämförelseområdet: under 1 betyder att det blev relativt sett "
        "färre händelser vid åtgärden.",
        "For each completed measure, events (crashes, near misses, concerns) and checks with a remark "
        "within {radius} metres are counted over equal periods before the work and after it. The same "
        "count for the rest of the municipality (farther than {outer} metres) is the comparison. The "
        "ratio compares the change at the measure with the change in the comparison area: below 1 means "
        "relatively fewer events at the measure.",
    ),
    "tab_effects": ("Före/efter-jämförelse per åtgärd", "Before/after comparison per measure"),
    "note_effects": (
        "Före och efter: händelser inom radien under lika långa perioder. KI = konfidensintervall "
        "(exakt, betingat). Intervall som innehåller 1 visar ingen säker förändring.",
        "Before and after: events within the radius over equal periods. CI = confidence interval (exact, "
        "conditional). An interval containing 1 shows no certain change.",
    ),
    "eff_none": (
        "Det finns ännu ingen genomförd åtgärd att jämföra.",
        "There is no completed measure to compare yet.",
    ),
    "eff_too_short": ("för kort tid efter", "too little time after"),
    "eff_no_comparison": ("inga jämförelsedata", "no comparison data"),
    "eff_no_before": ("inga händelser före", "no events before"),
    "eff_site_before": ("händelser vid åtgärden före", "events at the measure before"),
    "eff_site_after": ("händelser vid åtgärden efter", "events at the measure after"),
    "eff_incidents_before": ("händelser och synpunkter före", "incidents and concerns before"),
    "eff_incidents_after": ("händelser och synpunkter efter", "incidents and concerns after"),
    "eff_remarks_before": ("kontroller med anmärkning före", "checks with a remark before"),
    "eff_remarks_after": ("kontroller med anmärkning efter", "checks with a remark after"),
    "eff_comparison_before": ("jämförelseområdet före", "comparison area before"),
    "eff_comparison_after": ("jämförelseområdet efter", "comparison area after"),
    "eff_ci_low": ("konfidensintervall, nedre gräns", "confidence interval, lower bound"),
    "eff_ci_high": ("konfidensintervall, övre gräns", "confidence interval, upper bound"),
    # ------------------------------------------------------------------ lägesbild
    "sec_lagesbild": ("Lägesbild: händelser och synpunkter", "Situation picture: incidents and concerns"),
    "lb_summary": (
        "{n} händelser och synpunkter registrerades under perioden. {hot} rutor om {cell} × {cell} "
        "meter är statistiskt säkerställda koncentrationer (hot spots, minst 95 % konfidens); där "
        "inträffade {share} av händelserna.",
        "{n} incidents and concerns were recorded in the period. {hot} cells of {cell} × {cell} metres "
        "are statistically significant concentrations (hot spots, at least 95% confidence); {share} of "
        "the incidents happened there.",
    ),
    "inc_total": ("Händelser och synpunkter totalt", "Incidents and concerns, total"),
    "tab_incidents": ("Händelser och synpunkter per slag", "Incidents and concerns by kind"),
    "map_incidents": ("Händelser per 100 m-ruta och hot spots", "Incidents per 100 m cell and hot spots"),
    "lb_cells": ("Rutor med händelser", "Cells with incidents"),
    "lb_hot_cells": ("Hot spot-rutor (minst 95 % konfidens)", "Hot-spot cells (at least 95% confidence)"),
    "lb_hot_incidents": ("Händelser i hot spot-rutor", "Incidents in hot-spot cells"),
    "lb_hot_share": ("Andel händelser i hot spot-rutor", "Share of incidents in hot-spot cells"),
    "lb_method": (
        "Hot spots enligt Getis-Ord Gi* med korrigering för många samtidiga test (FDR). {reliable}",
        "Hot spots by Getis-Ord Gi* with a correction for multiple testing (FDR). {reliable}",
    ),
    "lb_unreliable": (
        "Färre än 30 rutor: resultatet är osäkert.",
        "Fewer than 30 cells: the result is uncertain.",
    ),
    "lb_public_note": (
        "Kartan visar bara rutor med minst {n} händelser.",
        "The map shows only cells with at least {n} incidents.",
    ),
    "legend_incidents": ("händelser per ruta", "incidents per cell"),
    "legend_hot": ("hot spot (95 %)", "hot spot (95%)"),
    "legend_minutes": ("minuter per vecka", "minutes per week"),
    "legend_zone": ("resecentrum-zon", "travel-centre zone"),
    "legend_kommun": ("kommungräns (förenklad)", "municipal boundary (simplified)"),
    "legend_station": ("Mjölby station", "Mjölby station"),
    # ------------------------------------------------------------------ other commitments
    "sec_other": ("Övriga åtaganden i medborgarlöftet", "Other commitments of the promise"),
    "other_intro": (
        "Åtagandena om narkotika och folkhälsa och om bedrägerier följs upp med uppgifter som "
        "Polisen och kommunen har rapporterat in för perioden.",
        "The commitments on narcotics and public health and on fraud are followed up with figures the "
        "Police and the municipality reported for the period.",
    ),
    "tab_other": ("Övriga åtaganden", "Other commitments"),
    "other_none": ("Inga övriga åtaganden är registrerade.", "No other commitments are recorded."),
    # ------------------------------------------------------------------ method
    "sec_method": ("Om siffrorna", "About the figures"),
    "method_scope": (
        "Endast genomförda insatser räknas; planerade, pågående och inställda insatser räknas aldrig. "
        "En insats hör till den period då den började, en kontroll till tidpunkten för kontrollen. "
        "Borttagna uppgifter räknas inte.",
        "Only operations carried out count; planned, ongoing and cancelled operations never do. An "
        "operation belongs to the period it started in, a check to its own time. Deleted records never "
        "count.",
    ),
    "method_vehicles": (
        "Kontrollerade fordon är enskilt registrerade kontroller plus fordon som räknats i snabbkontroller "
        "(räkningar per utfall). Anmärkningar och A-traktoruppgifter finns bara för enskilda kontroller.",
        "Vehicles checked are individually recorded checks plus vehicles counted in fast controls "
        "(counts per outcome). Findings and A-tractor details exist for individual checks only.",
    ),
    "method_presence": (
        "Närvarotimmar per vecka är periodens närvarotimmar delat med periodens längd i veckor. Ett "
        "pass utan utcheckning räknas högst 12 timmar.",
        "Presence hours per week are the period's presence hours divided by its length in weeks. A "
        "session never checked out counts for at most 12 hours.",
    ),
    "method_small": (
        "Andelar redovisas inte när de bygger på färre än 10 fall (”för få för att redovisa”).",
        "Shares are not given when based on fewer than 10 cases (“too few to report”).",
    ),
    "method_time": (
        "Alla tider är svensk tid (Europe/Stockholm).",
        "All times are Swedish time (Europe/Stockholm).",
    ),
    "method_public": (
        "I den publicerade versionen döljs antal mellan 1 och 4; döljs bara ett antal i en tabell döljs "
        "även det näst minsta, så att det dolda inte kan räknas fram ur summan.",
        "In the published version counts from 1 to 4 are hidden; when only one count of a table would be "
        "hidden, the next smallest is hidden too, so the hidden one cannot be worked out from the total.",
    ),
    # ------------------------------------------------------------------ signatures
    "sec_signatures": ("Underskrifter", "Signatures"),
    "sign_place_date": ("{place} den ____/____ 20____", "{place}, date ____/____ 20____"),
    "sign_police": ("Lokalpolisområdeschef", "Head of the local police area"),
    "sign_municipality": ("Kommunstyrelsens ordförande", "Chair of the municipal executive board"),
}


# Indicator units are stored in Swedish (traffic/commitments/promise.py); their English words.
UNITS_EN = {"h/vecka": "h/week", "insatser": "operations", "fordon": "vehicles", "åtgärder": "measures",
            "tillfällen": "sessions", "träffar": "meetings"}  # fmt: skip


def unit(text: str, lang: str = "sv") -> str:
    """An indicator's unit in ``lang``."""
    return UNITS_EN.get(text, text) if lang == "en" else text


def t(key: str, lang: str = "sv", **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    sv, en = TEXTS[key]
    text = en if lang == "en" else sv
    return text.format(**values) if values else text
