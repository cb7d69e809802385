"""Pages of the datastore: the resource page ("Explorer les données") and its producer forms.

- `page.resource_page`: status of the loads, preview with sort/filter/pages, column
  profile, chart builder, exports, validation report and API examples;
- `producer.reload_resource`, `producer.declare_schema`: POST-only actions of producers.

The work lives in `explorer.py` (building what the page shows from the query layer) so
that the views stay thin.
"""
from .page import resource_page
from .producer import declare_schema, reload_resource

__all__ = ["declare_schema", "reload_resource", "resource_page"]
