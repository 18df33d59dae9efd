"""Commitments of the promise with indicators and half-year targets."""
