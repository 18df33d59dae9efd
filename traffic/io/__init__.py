"""Import and export of measures, incidents, checks and zones (GeoJSON, CSV, GeoPackage).

Columns per kind are documented in ``traffic/io/COLUMNS.md``.
"""

from traffic.io.export import EXPORT_FORMATS, csv_header, export
from traffic.io.importer import import_file, import_rows
from traffic.io.kinds import KINDS, SPECS, KindSpec, spec_for
from traffic.io.readers import IMPORT_FORMATS, detect_format, read_file
from traffic.io.report import ImportFileError, ImportReport, Rejection
from traffic.io.rows import SourceRow

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "KINDS",
    "SPECS",
    "ImportFileError",
    "ImportReport",
    "KindSpec",
    "Rejection",
    "SourceRow",
    "csv_header",
    "detect_format",
    "export",
    "import_file",
    "import_rows",
    "read_file",
    "spec_for",
]
