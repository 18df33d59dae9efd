"""Keyed pseudonyms: a repeat vehicle can be followed without storing its plate."""

from __future__ import annotations

import hashlib
import hmac
import re

_NORMALISE = re.compile(r"[\s\-]")


def vehicle_pseudonym(plate: str, secret: str) -> str:
    """HMAC-SHA256 of the normalised plate under ``secret``; the plate itself is never stored.

    Without the secret the pseudonym cannot be reversed by trying all plates.
    """
    if not secret:
        raise ValueError("a pseudonym secret is required")
    normalised = _NORMALISE.sub("", plate).upper()
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()
