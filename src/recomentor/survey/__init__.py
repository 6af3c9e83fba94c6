"""Survey and feedback imports from CSV/XLSX exports."""

from recomentor.survey.importer import (
    ImportReport,
    RecordedFeedback,
    import_feedback,
    import_participants,
    record_feedback,
)
from recomentor.survey.mapping import ColumnMapping, load_mapping, parse_mapping
from recomentor.survey.reader import read_source

__all__ = [
    "ColumnMapping",
    "ImportReport",
    "RecordedFeedback",
    "import_feedback",
    "import_participants",
    "load_mapping",
    "parse_mapping",
    "read_source",
    "record_feedback",
]
