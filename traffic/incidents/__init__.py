"""Incidents and concerns (händelser och synpunkter)."""
