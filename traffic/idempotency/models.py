"""Stored outcome of a write made with an ``Idempotency-Key``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, utcnow
from traffic.storage.types import UTCDateTime


class IdempotencyRecord(Base):
    """Key + caller → the request's fingerprint and the response it got.

    A row with ``status_code`` None is a request still in progress: a concurrent duplicate
    sees it and is told to wait (409). Stored in the database so any worker can answer a retry.
    """

    __tablename__ = "idempotency_records"
    __audited__ = False
    __table_args__ = (UniqueConstraint("user_key", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_key: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    response_type: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
