"""Audit event: who did what to which record, when and why. Never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, utcnow
from traffic.storage.types import UTCDateTime


class AuditEvent(Base):
    """One write or read of a record. Triggers in the migration forbid UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    role: Mapped[str | None] = mapped_column(String(16), default=None)
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(48), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    purpose: Mapped[str | None] = mapped_column(Text, default=None)


class AuditPurgeGate(Base):
    """Opens the audit trail's DELETE trigger for one purge transaction, never longer.

    A ``delete`` row lets the triggers delete audit events older than ``cutoff`` (of
    ``action`` only, when set); a ``scrub`` row lets them rewrite the snapshots (``before`` and
    ``after``, nothing else) of such events. The retention purge inserts it, acts, and removes
    it again in the same transaction; PostgreSQL refuses a commit that leaves a gate open
    (migration 0004).
    """

    __tablename__ = "audit_purge_gates"
    __audited__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str | None] = mapped_column(String(16), default=None)
    mode: Mapped[str] = mapped_column(String(8), default="delete")  # delete | scrub
