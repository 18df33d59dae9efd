"""Zones: named polygons with presence targets."""
