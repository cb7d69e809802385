"""Catalogue reference and demo files, read by `catalog/importers/`; a package only so that
they ship with the code. See README.md."""
