"""The MapLibre style of the territory basemap: the région's own outlines, no third-party
map. No text is drawn (labels would need glyph files): names are in popups and pages.

Colours keep a contrast of at least 3:1 with their background for the lines that carry
meaning (WCAG 1.4.11): département borders #1d4f91 and the région's #10305c on #f4f1ea.
"""
from __future__ import annotations

from .tilesets import TERRITORY_ATTRIBUTION

LAND = "#f4f1ea"
SEA = "#d7e6f2"


def territory_style(tilejson_url: str) -> dict:
    """A MapLibre style (version 8) reading the territory tiles described at `tilejson_url`."""
    source = "territoires"

    def layer(layer_id: str, source_layer: str, kind: str, paint: dict, minzoom: int = 0,
              **extra) -> dict:
        return {"id": layer_id, "type": kind, "source": source, "source-layer": source_layer,
                "minzoom": minzoom, "paint": paint, **extra}

    return {
        "version": 8,
        "name": "DataSud — territoires de la Région Sud",
        "sources": {source: {"type": "vector", "url": tilejson_url,
                             "attribution": TERRITORY_ATTRIBUTION}},
        "layers": [
            {"id": "mer", "type": "background", "paint": {"background-color": SEA}},
            layer("region-fond", "region", "fill", {"fill-color": LAND}),
            layer("communes-limites", "communes", "line",
                  {"line-color": "#b9b2a3", "line-width": 0.6}, minzoom=8),
            layer("epci-limites", "epci", "line",
                  {"line-color": "#8a8273", "line-width": 1, "line-dasharray": [3, 2]},
                  minzoom=7),
            layer("departements-limites", "departements", "line",
                  {"line-color": "#1d4f91", "line-width": 1.4}),
            layer("region-limite", "region", "line",
                  {"line-color": "#10305c", "line-width": 2}),
        ],
    }
