"""Survey and feedback imports from CSV/XLSX exports."""

from recomentor.survey.importer import (
    ImportPreview,
    ImportReport,
    RecordedFeedback,
    import_feedback,
    import_participants,
    preview_participants,
    record_feedback,
)
from recomentor.survey.mapping import ColumnMapping, load_mapping, parse_mapping
from recomentor.survey.reader import read_source

__all__ = [
    "ColumnMapping",
    "ImportPreview",
    "ImportReport",
    "RecordedFeedback",
    "import_feedback",
    "import_participants",
    "load_mapping",
    "parse_mapping",
    "preview_participants",
    "read_source",
    "record_feedback",
]
