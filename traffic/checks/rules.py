"""Consistency rules for a vehicle check's codes and A-traktor fields."""

from __future__ import annotations

from typing import Any

from traffic import vocab
from traffic.errors import ValidationFailed

A_TRAKTOR_TYPES = frozenset({"A_TRAKTOR", "EPA"})
A_TRAKTOR_FIELDS = ("limiter_tampered", "lgf_sign_ok", "rear_space_blocked")


def clean_codes(findings: list[Any], outcomes: list[Any]) -> tuple[list[str], list[str]]:
    """Validate codes; a check with neither findings nor outcomes is "utan anmärkning"."""
    found = vocab.findings().check_all(findings, field="findings")
    done = vocab.outcomes().check_all(outcomes, field="outcomes")
    if not done:
        if found:
            raise ValidationFailed("a check with findings needs at least one outcome", field="outcomes")
        done = [vocab.NO_REMARK]
    if vocab.NO_REMARK in done and (len(done) > 1 or found):
        raise ValidationFailed(
            f"{vocab.NO_REMARK} (no remark) cannot be combined with findings or other outcomes",
            field="outcomes",
        )
    return found, done


def check_fields(values: dict[str, Any], outcomes: list[str]) -> None:
    """Cross-field rules: A-traktor fields, fine amount, speed method."""
    vehicle_type = values.get("vehicle_type")
    vocab.vocabulary("vehicle_type").check(vehicle_type, field="vehicle_type")
    if vehicle_type not in A_TRAKTOR_TYPES:
        for name in A_TRAKTOR_FIELDS:
            if values.get(name) is not None:
                raise ValidationFailed(f"only for A-traktor or EPA checks, not {vehicle_type}", field=name)
    if values.get("fine_amount_sek") and "ORDNINGSBOT" not in outcomes:
        raise ValidationFailed("a fine amount needs the outcome ORDNINGSBOT", field="fine_amount_sek")
    method = values.get("speed_method")
    if method is not None:
        vocab.vocabulary("speed_method").check(method, field="speed_method")
    if values.get("measured_speed_kmh") is not None and method is None:
        raise ValidationFailed("a measured speed needs its method", field="speed_method")
