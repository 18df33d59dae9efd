"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from traffic.audit.models import AuditEvent
from traffic.checks.models import CheckCode, VehicleCheck
from traffic.commitments.models import Commitment, Indicator, IndicatorTarget, IndicatorValue
from traffic.idempotency.models import IdempotencyRecord
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.orgs.models import AccessToken, LoginAttempt, Organisation, User
from traffic.presence.models import PresenceSession
from traffic.storage.base import Base
from traffic.storage.indexes import install_spatial_indexes
from traffic.tallies.models import Tally, TallyCount
from traffic.zones.models import Zone

install_spatial_indexes(Base.metadata)

__all__ = [
    "AccessToken",
    "IdempotencyRecord",
    "LoginAttempt",
    "AuditEvent",
    "Base",
    "CheckCode",
    "Commitment",
    "Incident",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "Operation",
    "Organisation",
    "PresenceSession",
    "SafetyMeasure",
    "Tally",
    "TallyCount",
    "User",
    "VehicleCheck",
    "Zone",
]
