"""GPS tracks from GPX files (read with gpxpy) stored as presence sessions of kind ``TRACK``.

Every track segment with at least two points becomes one session: the points in file order
(lon/lat), one timestamp per point. GPX times are UTC; a time written without a zone is read as
UTC, as the GPX schema defines it. A point without a time is refused, naming its track, segment
and point. Segments of a single point carry no movement and are skipped (and counted).

The unit is ``unit`` or else the track's ``<name>``; the mode is ``mode`` or else the track's
``<type>`` (walking, cycling, driving …), else on foot. Ids are derived from the file's content
and the segment's position, so importing the same file twice is refused as a conflict instead
of counting the same presence twice; the whole file is stored or nothing is.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import gpxpy
import gpxpy.gpx
from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.errors import Conflict, ValidationFailed
from traffic.ids import NAMESPACE
from traffic.presence.models import GPS_TRACK, PresenceSession
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence

DEFAULT_MODE = "FOOT"
DEFAULT_UNIT = "GPX"
# Words in a GPX <type> (lower case, start of a word) → presence mode.
MODE_WORDS = (("walk", "FOOT"), ("foot", "FOOT"), ("hik", "FOOT"), ("run", "FOOT"), ("cycl", "BIKE"),
              ("bik", "BIKE"), ("driv", "CAR"), ("car", "CAR"), ("motor", "CAR"))  # fmt: skip


@dataclass(frozen=True)
class GpxSegment:
    """One timed track segment of a GPX file."""

    track: int  # 1-based, as a person counts
    segment: int
    name: str | None
    kind: str | None  # the track's <type>
    coords: list[tuple[float, float]]  # lon, lat
    times: list[datetime]  # UTC


@dataclass(frozen=True)
class GpxImport:
    """What an import stored and what it skipped."""

    sessions: list[PresenceSession]
    skipped: int  # segments with fewer than two points


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_gpx(data: bytes | str) -> tuple[list[GpxSegment], int]:
    """The timed segments of a GPX document and how many single-point segments were skipped."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        doc = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise ValidationFailed(f"not a readable GPX file: {exc}", field="gpx") from None
    out, skipped = [], 0
    for i, trk in enumerate(doc.tracks, start=1):
        for j, seg in enumerate(trk.segments, start=1):
            if len(seg.points) < 2:
                skipped += 1
                continue
            for k, pt in enumerate(seg.points, start=1):
                if pt.time is None:
                    where = f"track {i}, segment {j}, point {k} ({pt.latitude}, {pt.longitude})"
                    raise ValidationFailed(f"{where} has no time; every point needs one", field="gpx")
            coords = [(float(p.longitude), float(p.latitude)) for p in seg.points]
            times = [_utc(p.time) for p in seg.points]  # type: ignore[arg-type]
            out.append(GpxSegment(i, j, trk.name, trk.type, coords, times))
    if not out:
        raise ValidationFailed("the file holds no track with at least two timed points", field="gpx")
    return out, skipped


def mode_of(kind: str | None) -> str:
    """The presence mode a GPX ``<type>`` names (on foot when it names none we know)."""
    words = (kind or "").lower().replace("_", " ").replace("-", " ").split()
    for word in words:
        for start, mode in MODE_WORDS:
            if word.startswith(start):
                return mode
    return DEFAULT_MODE


def segment_id(digest: str, seg: GpxSegment) -> uuid.UUID:
    """A stable id: the same file and segment always give the same session id."""
    return uuid.uuid5(NAMESPACE, f"gpx:{digest}:{seg.track}:{seg.segment}")


def presence_from_gpx(
    data: bytes, *, unit: str | None = None, officers: int = 1, mode: str | None = None
) -> tuple[list[PresenceCreate], int]:
    """The GPX file as presence sessions to create, and the skipped segments."""
    segments, skipped = read_gpx(data)
    digest = hashlib.sha256(data).hexdigest()
    out = [
        PresenceCreate(
            id=segment_id(digest, seg),
            unit=(unit or seg.name or DEFAULT_UNIT).strip()[:64] or DEFAULT_UNIT,
            officers=officers,
            mode=mode or mode_of(seg.kind),
            kind=GPS_TRACK,
            geometry={"type": "LineString", "coordinates": [list(c) for c in seg.coords]},
            track_times=seg.times,
            note=f"GPX: {seg.name or '–'} (spår {seg.track}, segment {seg.segment})",
        )
        for seg in segments
    ]
    return out, skipped


def import_gpx(
    session: Session,
    *,
    actor: Actor,
    data: bytes,
    unit: str | None = None,
    officers: int = 1,
    mode: str | None = None,
) -> GpxImport:
    """Store every timed segment of a GPX file as a presence session (the caller commits)."""
    creates, skipped = presence_from_gpx(data, unit=unit, officers=officers, mode=mode)
    stored = []
    for n, create in enumerate(creates, start=1):
        try:
            stored.append(create_presence(session, actor=actor, data=create))
        except Conflict:
            raise Conflict(f"segment {n} of this file is already stored: was the file imported before?",
                           field="gpx") from None  # fmt: skip
        except ValidationFailed as exc:
            raise ValidationFailed(f"segment {n}: {exc.message}", field=exc.field or "gpx") from None
    return GpxImport(stored, skipped)
