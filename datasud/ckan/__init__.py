"""CKAN Action API (/api/3/action/...): lets unmodified CKAN clients read and write the
catalogue and query the datastore."""
