"""The catalogue as linked data: DCAT-AP 3 (Turtle, JSON-LD, RDF/XML) at stable URIs, and
the web's discovery formats (schema.org, sitemap, OpenSearch)."""
