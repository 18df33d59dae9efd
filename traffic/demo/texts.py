"""Swedish texts for the demo: titles, notes and descriptions (no names, plates or ids)."""

from __future__ import annotations

OPERATION_TITLES = {
    "A_TRAKTOR": (
        "A-traktorkontroll {where}",
        "Riktad kontroll av A-traktorer {where}",
        "Kvällskontroll av A-traktorer {where}",
        "Flygande inspektion av A-traktorer {where}",
    ),
    "DEFECTIVE_VEHICLES": (
        "Kontroll av bristfälliga fordon {where}",
        "Flygande inspektion {where}",
        "Kontroll av fordons skick {where}",
    ),
    "DANGEROUS_BEHAVIOUR": (
        "Kontroll av trafikfarligt beteende {where}",
        "Mobil- och bältekontroll {where}",
        "Riktad kontroll mot trafikfarligt beteende {where}",
    ),
    "SPEED": ("Hastighetskontroll {where}", "Hastighetsövervakning med laser {where}"),
    "SOBRIETY": ("Nykterhetskontroll {where}", "Trafiknykterhetskontroll {where}"),
    "OTHER": ("Trafikinformation och kontroll {where}",),
}

OPERATION_NOTES = {
    "A_TRAKTOR": (
        "Samverkan med bilinspektör.",
        "Civila fordon användes för hastighetsmätning.",
        "Information till ungdomar om reglerna för A-traktorer.",
    ),
    "DEFECTIVE_VEHICLES": ("Bilinspektör deltog.", "Flygande inspektion med digitalt protokoll."),
    "DANGEROUS_BEHAVIOUR": ("Fokus på mobiltelefon och bilbälte.",),
    "SPEED": ("Lasermätning från fast punkt.",),
    "SOBRIETY": ("Sållningsprov och utandningsprov.",),
    "OTHER": ("Information om medborgarlöftet till resenärer.",),
}

CANCELLED_NOTES = (
    "Inställd: patrullen prioriterades till larm.",
    "Inställd på grund av väderläget.",
    "Inställd: för få tillgängliga poliser.",
)

CHECK_NOTES = {
    "inspector": "Bilinspektör tillkallad för teknisk undersökning.",
    "informed": "Föraren informerad om reglerna för A-traktorer.",
    "guardian": "Vårdnadshavare kontaktad på plats.",
    "towed": "Fordonet bogserades från platsen.",
}

TALLY_NOTES = (
    "Snabbräkning vid lasermätning.",
    "Räkning per utfall, fast kontrollplats.",
)

PRESENCE_UNITS = {
    "FOOT": ("Patrull 2110", "Patrull 2120", "Närpolis 2150", "Patrull 2210"),
    "STATIONARY": ("Patrull 2110", "Närpolis 2150", "Mobil polisstation 2190"),
    "CAR": ("Patrull 2130", "Patrull 2230", "Patrull 2310"),
    "BIKE": ("Cykelpatrull 2170", "Cykelpatrull 2270"),
}

PRESENCE_NOTES = (
    "Dialog med resenärer och personal.",
    "Ungdomsgrupp vid busshållplatsen, samtal.",
    "Kontroll av cykelparkeringen.",
    "Lugnt på resecentrum.",
    "Samverkan med kommunens trygghetsvärdar.",
    "Fotpatrull genom gång- och cykeltunneln.",
    "A-traktorer samlade på parkeringen, dialog med förarna.",
)

MEASURE_TITLES = {
    "SPEED_HUMP": "Farthinder (gupp) {where}",
    "RAISED_CROSSING": "Upphöjt övergångsställe {where}",
    "NARROWING": "Avsmalning av körbanan {where}",
    "LIGHTING": "Förbättrad belysning längs gångstråk {where}",
    "SIGNAGE": "Ny skyltning 30 km/h {where}",
    "SPEED_DISPLAY": "Hastighetsdisplay {where}",
    "CAMERA": "Trafiksäkerhetskamera {where}",
    "CROSSING": "Säkrare passage för gående {where}",
    "CYCLE_PATH": "Ny gång- och cykelväg {where}",
    "LOCAL_REGULATION": "Lokal trafikföreskrift: förbud mot motordrivna fordon nattetid {where}",
    "OTHER": "Röjning av buskage för bättre sikt {where}",
}

MEASURE_DESCRIPTIONS = (
    "Åtgärd efter synpunkter i medborgardialogen.",
    "Åtgärd efter trygghetsvandring med kommun, polis och Bostadsbolaget.",
    "Del av kommunens trafiksäkerhetsarbete inom medborgarlöftet 2024/2025.",
    "Föreslagen efter upprepade klagomål om höga hastigheter.",
    "Samordnas med ombyggnaden av Kungsvägen till stadsgata.",
)

INCIDENT_TEXTS = {
    "CRASH": (
        "Singelolycka med personbil {where}.",
        "Påkörning bakifrån i kö {where}.",
        "Kollision mellan cyklist och personbil {where}.",
        "A-traktor och personbil i kollision {where}.",
    ),
    "NEAR_MISS": (
        "Gående nära att bli påkörd på övergångsställe {where}.",
        "Cyklist fick väja för bil som inte lämnade företräde {where}.",
        "Skolbarn nära att bli påkörda {where}.",
    ),
    "COMPLAINT": (
        "Boende klagar på hög musik från fordon sent på kvällen {where}.",
        "Dålig belysning gör att man känner sig otrygg {where}.",
        "Felparkerade fordon skymmer sikten {where}.",
    ),
    "A_TRAKTOR_DISTURBANCE": (
        "Samling av A-traktorer med hög musik {where}.",
        "A-traktorer kör i hög fart fram och tillbaka {where}.",
        "Tips om misstänkt trimmad A-traktor {where}.",
    ),
    "SPEEDING_CONCERN": (
        "Oro för höga hastigheter {where}.",
        "Föräldrar upplever att bilar kör för fort {where}.",
        "Önskemål om farthinder {where}.",
    ),
    "OTHER": ("Trasig trafiksignal {where}.", "Växtlighet skymmer sikten {where}."),
}

MANUAL_VALUE_NOTES = {
    "guardian_information": "Föräldramöten på högstadieskolor (demo).",
    "fraud_meetings": "Träffar på seniorträffpunkter (demo).",
}
