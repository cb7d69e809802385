"""Harvesting partners' portals (CKAN, DCAT, OpenDataSoft, CSW) into the catalogue."""
