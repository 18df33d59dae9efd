"""Production mode: refuse to start with a development or weak secret."""

from __future__ import annotations

from api.settings import DEV_SECRET, Settings

MIN_SECRET_LENGTH = 32
# Values that appear in the repository (defaults, docs, examples): known to anyone, so not secret.
KNOWN_SECRETS = frozenset({DEV_SECRET, "change-me", "changeme", "secret", "dev", "test"})


class InsecureSettings(ValueError):
    """The settings are not fit for production; the message is one line naming the setting."""


def check_production(settings: Settings) -> None:
    """Raise :class:`InsecureSettings` when production mode meets a default or weak secret."""
    if not settings.production:
        return
    secret = settings.pseudonym_secret
    where = "TRAFIKTRYGG_PSEUDONYM_SECRET"
    if secret in KNOWN_SECRETS:
        raise InsecureSettings(
            f"{where} is the default development secret, refused with TRAFIKTRYGG_PRODUCTION=true; "
            "set a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8:
        raise InsecureSettings(
            f"{where} is too weak for TRAFIKTRYGG_PRODUCTION=true: use at least "
            f"{MIN_SECRET_LENGTH} random characters"
        )
