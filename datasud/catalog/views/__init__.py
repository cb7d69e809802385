"""Pages of the catalogue, one module per kind of page; `urls.py` maps them."""
