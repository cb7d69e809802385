"""Running the platform: backup and restore of everything it holds (database, uploaded files,
datastore), and storage housekeeping."""
