"""Ingestion readers of the datastore: a source file in, typed Parquet tables out.

`read_source()` is the entry point; `detect_format()` tells which reader a file needs.
"""
from .columns import clean_column_names
from .guards import IngestLimits
from .readers import read_source
from .sniff import detect_format
from .staging import StagedTable

__all__ = ["IngestLimits", "StagedTable", "clean_column_names", "detect_format",
           "read_source"]
