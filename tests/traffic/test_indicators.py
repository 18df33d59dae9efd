"""Indicators computed from the records, their scope and the published rules, on both backends.

The fixture lies in 2019 (no other test writes there); each expected value is counted by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.builders import make_actor, make_check, make_measure, make_operation
from traffic.commitments.indicators import IndicatorStatus, Scope, commitment_status, compute, parse_metric
from traffic.commitments.models import IndicatorTarget
from traffic.commitments.service import ensure_promise, enter_value, indicator_by_code
from traffic.errors import ValidationFailed
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.orgs.service import ensure_organisations
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.records import soft_delete
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally
from traffic.timeutil import STOCKHOLM, parse_period
from traffic.zones.service import ensure_default_zones

H1 = parse_period("2019H1")
AS_OF = datetime(2019, 12, 31, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def done(session, actor, focus: str, start: datetime, **kw):
    return make_operation(session, actor, focus=focus, status="COMPLETED", actual_start=start,
                          actual_end=start + timedelta(hours=2), **kw)  # fmt: skip


@pytest.fixture
def world(session):
    officer = make_actor(session, "officer")
    a1 = done(session, officer, "A_TRAKTOR", local(2019, 3, 1, 19))
    done(session, officer, "A_TRAKTOR", local(2019, 6, 30, 22))  # last evening of H1
    done(session, officer, "DEFECTIVE_VEHICLES", local(2019, 1, 1, 0, 30))  # first hour of H1
    done(session, officer, "A_TRAKTOR", local(2018, 12, 31, 23))  # 2018H2
    done(session, officer, "A_TRAKTOR", local(2019, 7, 1, 0, 5))  # 2019H2
    soft_delete(done(session, officer, "A_TRAKTOR", local(2019, 4, 1, 19)))  # deleted
    make_operation(session, officer, focus="A_TRAKTOR", planned_start=local(2019, 4, 2, 19))  # planned
    make_operation(
        session, officer, focus="A_TRAKTOR", status="CANCELLED", planned_start=local(2019, 4, 3, 19)
    )
    at = local(2019, 3, 1, 19, 30)
    lgf = {"vehicle_type": "A_TRAKTOR", "findings": ["LGF"], "outcomes": ["ORDNINGSBOT"],
           "fine_amount_sek": 1500, "lgf_sign_ok": False}  # fmt: skip
    tampered = {"vehicle_type": "A_TRAKTOR", "findings": ["SPEED_LIMITER_TAMPERING"],
                "outcomes": ["RAPPORT", "BESLAG"], "limiter_tampered": True}  # fmt: skip
    make_check(session, a1, officer, checked_at=at, **lgf)
    make_check(session, a1, officer, checked_at=at, **tampered)
    make_check(session, a1, officer, checked_at=at, vehicle_type="CAR")  # no remark
    make_check(session, a1, officer, checked_at=local(2019, 7, 1, 0, 30), vehicle_type="CAR")  # 2019H2
    counts = {"UTAN_ANMARKNING": 4, "ORDNINGSBOT": 1}
    until = at + timedelta(minutes=30)
    tally = TallyCreate(
        operation_id=a1.id, counted_from=at, counted_to=until, counts=counts, vehicle_type="CAR"
    )
    create_tally(session, actor=officer, data=tally)
    planned = make_operation(session, officer, focus="SPEED", planned_start=local(2019, 5, 1, 8))
    speeding = {"findings": ["SPEED"], "outcomes": ["ORDNINGSBOT"]}
    make_check(
        session, planned, officer, checked_at=local(2019, 5, 1, 8, 30), **speeding
    )  # → ongoing: never counts
    planner = make_actor(session, "planner", "mjolby_kommun")
    for day, status in ((date(2019, 1, 1), "COMPLETED"), (date(2019, 6, 30), "COMPLETED"),
                        (date(2019, 7, 1), "COMPLETED"), (None, "IN_PROGRESS")):  # fmt: skip
        make_measure(session, planner, status=status, completed_on=day)
    geometry = {"type": "Point", "coordinates": [15.1302, 58.3236]}
    for when in (local(2019, 2, 1, 12), local(2019, 6, 30, 23, 59), local(2019, 7, 1, 0, 1)):
        data = IncidentCreate(kind="CRASH", occurred_at=when, geometry=geometry, source="POLICE")
        create_incident(session, actor=planner, data=data)
    zones = ensure_default_zones(session, org_id=ensure_organisations(session)["polisen"].id)
    zone = next(z for z in zones if z.code == "resecentrum_300m")
    for start, minutes in ((local(2019, 5, 14, 10), 12), (local(2019, 5, 15, 10), 108)):
        end = start + timedelta(minutes=minutes)
        data = PresenceCreate(
            unit="P1", mode="FOOT", kind="ZONE_CHECKIN", zone_id=zone.id, start_at=start, end_at=end
        )
        create_presence(session, actor=officer, data=data)
    return session


def value(session, metric: str, scope: Scope | None = None):
    return compute(session, metric, H1, scope, as_of=AS_OF).value


def test_operations_count_only_when_completed_and_started_in_the_period(world):
    assert value(world, "operations_completed:A_TRAKTOR") == 2
    assert value(world, "operations_completed:DEFECTIVE_VEHICLES") == 1
    assert value(world, "operations_completed") == 3
    assert compute(world, "operations_completed:A_TRAKTOR", parse_period("2018H2")).value == 1


def test_vehicles_outcomes_and_findings(world):
    assert value(world, "vehicles_checked") == 3 + 5  # three checks and a tally of five
    assert value(world, "vehicles_checked:A_TRAKTOR") == 2
    assert value(world, "vehicles_checked:CAR") == 1 + 5
    assert value(world, "vehicles_with_outcome:ORDNINGSBOT") == 1 + 1  # one check, one tallied
    assert value(world, "vehicles_with_outcome:UTAN_ANMARKNING") == 1 + 4
    assert value(world, "checks_with_finding:LGF") == 1
    assert value(world, "checks_with_finding:SPEED") == 0  # only in the never-completed operation


def test_measures_incidents_and_presence(world):
    assert value(world, "measures_completed") == 2  # 1 January and 30 June, not 1 July
    assert value(world, "measures_completed:SPEED_HUMP") == 2
    assert value(world, "incidents") == 2  # 23:59 on 30 June local is still H1
    assert value(world, "incidents:CRASH") == 2
    assert value(world, "presence_hours_per_week:resecentrum_300m") == pytest.approx(2 / (181 / 7), abs=1e-6)
    share = compute(world, "koper_share:resecentrum_300m", H1, as_of=AS_OF)
    assert share.n == 2 and share.value == 0.5  # 12 min is in the band, 108 is not


def test_published_values_are_delayed_and_small_counts_hidden(world):
    now = local(2019, 7, 3, 12)  # a check on 1 July would still be inside the 7-day delay
    public = Scope.of(H1, public=True, now=now)
    assert public.before == now - timedelta(days=7)
    a = compute(world, "operations_completed:A_TRAKTOR", H1, public)
    assert a.value is None and a.suppressed  # 1 of 2: the one on 30 June ends after the cut-off
    assert compute(world, "vehicles_checked", H1, public).value == 8  # 8 ≥ 5: shown
    assert compute(world, "measures_completed", H1, public).value == 2  # measures are never hidden
    assert compute(world, "incidents", H1, public).suppressed


def test_unknown_and_incomplete_metrics_are_refused(world):
    with pytest.raises(ValidationFailed, match="unknown metric"):
        parse_metric("speeding_tickets")
    with pytest.raises(ValidationFailed, match="needs a code"):
        compute(world, "vehicles_with_outcome", H1)


def test_commitment_status_with_targets_and_hand_entered_values(world):
    ensure_promise(world)
    ind = indicator_by_code(world, "operations_a_traktor")
    world.add(IndicatorTarget(indicator_id=ind.id, period="2019H1", target=3, comparison=">="))
    enter_value(world, indicator_code="fraud_meetings", period="2019H1", value=4, note="fyra träffar")
    world.flush()
    world.expire_all()
    items = {s.code: s for s in commitment_status(world, H1, as_of=AS_OF)}
    a = items["operations_a_traktor"]
    assert (a.value, a.target, a.met) == (2, 3, False)
    fraud = items["fraud_meetings"]
    assert (fraud.value, fraud.note, fraud.source) == (4, "fyra träffar", "manual")
    assert items["guardian_information"].value is None  # nothing entered for 2019H1
    assert items["measures_completed"].value == 2
    english = {s.code: s for s in commitment_status(world, H1, lang="en", as_of=AS_OF)}
    assert english["fraud_meetings"].title == "Fraud information meetings"


def test_met_reads_the_comparison():
    base = {"commitment_code": "c", "strand": "TRAFFIC", "commitment_title": "", "code": "i", "title": "",
            "unit": "", "source": "computed", "metric": None, "suppressed": False}  # fmt: skip
    assert IndicatorStatus(**base, value=6, target=6, comparison=">=").met is True
    assert IndicatorStatus(**base, value=5, target=6, comparison=">=").met is False
    assert IndicatorStatus(**base, value=5, target=6, comparison="<=").met is True
    assert IndicatorStatus(**base, value=None, target=6, comparison=">=").met is None
