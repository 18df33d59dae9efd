"""Folium rendering: base map, layers, heatmaps, legends, safe popups, self-hosted assets.

Draws only; the computing lives in ``geo``. Built out in the maps issue.
"""
