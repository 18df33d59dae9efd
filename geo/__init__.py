"""Pure spatial code: CRS, geometry validation, zones, per-dialect spatial SQL, aggregation.

Depends on no package of this project.
"""
