"""The Mjölby medborgarlöfte 2024/2025 as data: commitments, indicators, half-year targets.

Texts follow seed/medborgarlofte-2024-2025.md. The promise names no numbers; the targets
below are the design brief's examples ("≥ 6 operations with A-traktor focus", "≥ 20 presence
hours per week at resecentrum") and are meant to be edited by the admin.
"""

from __future__ import annotations

PERIODS = ("2024H1", "2024H2", "2025H1", "2025H2")

# (code, strand, title_sv, title_en, [indicators])
# indicator: (code, title_sv, title_en, unit, source, metric, target per half-year or None)
PROMISE = [
    (
        "trafik_narvaro",
        "TRAFFIC",
        "Arbeta med att ha hög närvaro i och omkring resecentrum.",
        "Keep a high presence in and around the travel centre.",
        [
            (
                "presence_hours_per_week",
                "Närvarotimmar per vecka vid resecentrum",
                "Presence hours per week at the travel centre",
                "h/vecka",
                "computed",
                "presence_hours_per_week:resecentrum_300m",
                20,
            )
        ],
    ),
    (
        "trafik_insatser",
        "TRAFFIC",
        "Polisen genomför riktade trafikövervakningsinsatser med fokus på A-traktorer, "
        "bristfälliga fordon och trafikfarligt beteende.",
        "The police carry out targeted traffic enforcement focused on A-tractors, defective "
        "vehicles and dangerous behaviour.",
        [
            (
                "operations_a_traktor",
                "Insatser med fokus A-traktorer",
                "Operations focused on A-tractors",
                "insatser",
                "computed",
                "operations_completed:A_TRAKTOR",
                6,
            ),
            (
                "operations_defective",
                "Insatser med fokus bristfälliga fordon",
                "Operations focused on defective vehicles",
                "insatser",
                "computed",
                "operations_completed:DEFECTIVE_VEHICLES",
                3,
            ),
            (
                "operations_behaviour",
                "Insatser med fokus trafikfarligt beteende",
                "Operations focused on dangerous behaviour",
                "insatser",
                "computed",
                "operations_completed:DANGEROUS_BEHAVIOUR",
                3,
            ),
            (
                "vehicles_checked",
                "Kontrollerade fordon",
                "Vehicles checked",
                "fordon",
                "computed",
                "vehicles_checked",
                None,
            ),
        ],
    ),
    (
        "trafik_atgarder",
        "TRAFFIC",
        "Kommunen genomför trafiksäkerhetsåtgärder för ökad trygghet.",
        "The municipality carries out traffic-safety measures for greater safety.",
        [
            (
                "measures_completed",
                "Genomförda trafiksäkerhetsåtgärder",
                "Completed traffic-safety measures",
                "åtgärder",
                "computed",
                "measures_completed",
                3,
            )
        ],
    ),
    (
        "narkotika_vardnadshavare",
        "NARCOTICS",
        "Polisen och kommunen informerar vårdnadshavare till barn i högstadiet om risk- och skyddsfaktorer.",
        "Police and municipality inform guardians of secondary-school pupils about risk and "
        "protective factors.",
        [
            (
                "guardian_information",
                "Informationstillfällen för vårdnadshavare",
                "Information sessions for guardians",
                "tillfällen",
                "manual",
                None,
                2,
            )
        ],
    ),
    (
        "bedrageri_traffar",
        "FRAUD",
        "Polisen och kommunen erbjuder riskgrupper fysiska träffar om bedrägerier.",
        "Police and municipality offer risk groups meetings about fraud.",
        [
            (
                "fraud_meetings",
                "Informationsträffar om bedrägerier",
                "Fraud information meetings",
                "träffar",
                "manual",
                None,
                2,
            )
        ],
    ),
]
