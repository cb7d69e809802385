"""Importers filling the catalogue from files: the data.gouv.fr catalogue CSV, the shipped
reference tables (themes, licences) and the demo data."""
from .catalog_csv import CatalogImportError, ImportReport, import_catalog_csv

__all__ = ["CatalogImportError", "ImportReport", "import_catalog_csv"]
