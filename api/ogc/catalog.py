"""Which record kinds are OGC collections, their Swedish titles, and who may read each."""

from __future__ import annotations

from dataclasses import dataclass

from api.permissions import allowed
from traffic.actors import Actor
from traffic.errors import NotFound

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


@dataclass(frozen=True)
class Collection:
    """One feature collection: a spatial record kind and the permission that reads it."""

    id: str
    title: str
    description: str

    @property
    def kind(self) -> str:
        """The record kind behind the collection (``traffic.queries.SPECS`` key)."""
        return self.id

    @property
    def permission(self) -> str:
        """The read permission, the same one the REST list of the kind requires."""
        return f"{self.id}:read"


# Tallies have no geometry and are not a feature collection. Order = order of /collections.
COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        "operations",
        "Trafikinsatser",
        "Polisens trafikkontroller (plats, fokus, status och tider). "
        "Planerade och pågående insatser syns bara för polisen i den ägande organisationen.",
    ),
    Collection(
        "checks",
        "Kontrollerade fordon",
        "Varje kontrollerat fordon: tid, plats, fordonsslag, fynd och utfall. "
        "Inga namn, personnummer eller registreringsnummer.",
    ),
    Collection(
        "presence",
        "Närvaropass",
        "Polisens närvaro (punkt eller GPS-spår) i och kring resecentrum och andra områden.",
    ),
    Collection(
        "measures",
        "Trafiksäkerhetsåtgärder",
        "Kommunens och partnernas trafiksäkerhetsåtgärder med geometri och status "
        "(allmänheten ser genomförda åtgärder).",
    ),
    Collection(
        "incidents",
        "Händelser och synpunkter",
        "Olyckor, tillbud, medborgarsynpunkter och störningar från A-traktorer.",
    ),
    Collection(
        "zones",
        "Områden",
        "Namngivna områden: resecentrum (150/300/500 m), kommunen, skolområden och egna områden.",
    ),
)
BY_ID = {c.id: c for c in COLLECTIONS}


def readable(actor: Actor) -> list[Collection]:
    """The collections ``actor``'s role may read, in catalogue order."""
    return [c for c in COLLECTIONS if allowed(actor.role, c.permission)]


def collection_for(actor: Actor, collection_id: str) -> Collection:
    """The collection if it exists and the role may read it; NotFound otherwise (no 403: it leaks)."""
    found = BY_ID.get(collection_id)
    if found is None or not allowed(actor.role, found.permission):
        hint = " (sign in for more collections)" if actor.role == "public" and found else ""
        raise NotFound(f"no collection {collection_id!r}{hint}", field="collectionId")
    return found
