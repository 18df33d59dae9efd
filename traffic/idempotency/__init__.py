"""Idempotency records: a retried field write returns the original result."""
