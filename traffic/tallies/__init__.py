"""Tallies: counts per outcome for fast controls."""
