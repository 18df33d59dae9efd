"""Dependencies of the OGC routes: the caller, and the collection named in the path."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from api.ogc.catalog import Collection, collection_for
from api.permissions import Requires
from traffic.actors import Actor

# Everyone may call the OGC routes; what each role reads is decided per collection below, by the
# same read permission (``operations:read`` …) the REST list of that kind requires.
READ = Requires("public")
ReaderDep = Annotated[Actor, Depends(READ)]


def readable_collection(
    actor: ReaderDep,
    collection_id: Annotated[str, Path(alias="collectionId", description="e.g. measures, zones")],
) -> Collection:
    """The collection in the path if the caller's role may read it (404 otherwise)."""
    return collection_for(actor, collection_id)


CollectionDep = Annotated[Collection, Depends(readable_collection)]
