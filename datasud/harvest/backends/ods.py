"""OpenDataSoft portals, through the Explore API v2.1: `catalog/datasets` paged with
limit/offset, the `default` and `dcat` metadata templates, and the dataset's exports (CSV,
JSON, GeoJSON and Shapefile for geographic ones, like udata's ODS harvester) plus its
attachments and alternative exports as resources.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from .base import (
    Backend,
    RecordError,
    RemoteDataset,
    RemoteEntry,
    RemoteResource,
    SourceError,
    html_to_text,
    http_url,
    parse_date,
    parse_datetime,
)

MAX_LIMIT = 100  # the API's maximum page size
# The API refuses offset + limit beyond this.
MAX_OFFSET = 10_000
EXPORTS = [("csv", "CSV"), ("json", "JSON")]
GEO_EXPORTS = [("geojson", "GeoJSON"), ("shp", "Shapefile")]


class OdsBackend(Backend):
    def entries(self) -> Iterator[RemoteEntry]:
        endpoint = f"{self.url}/api/explore/v2.1/catalog/datasets"
        limit = min(self.page_size, MAX_LIMIT)
        params: dict = {"limit": limit, "order_by": "dataset_id"}
        if self.config.get("where"):
            params["where"] = self.config["where"]
        if self.config.get("refine"):
            params["refine"] = self.config["refine"]
        offset, total, seen = 0, None, set()
        while True:
            data = self.fetcher.get_json(endpoint, {**params, "offset": offset})
            if not isinstance(data, dict) or not isinstance(data.get("total_count"), int) \
                    or not isinstance(data.get("results"), list):
                raise SourceError(f"Ce n'est pas une réponse de l'API Explore v2.1 "
                                  f"d'OpenDataSoft : {endpoint}")
            if total is None:
                total = data["total_count"]
                if total > MAX_OFFSET:
                    raise SourceError(f"Le portail compte {total} jeux de données : filtrez-les "
                                      f"(« where » ou « refine ») pour rester sous {MAX_OFFSET}.")
            elif data["total_count"] != total:
                raise SourceError("Le catalogue OpenDataSoft a changé pendant la lecture : "
                                  "réessayez.")
            for dataset in data["results"]:
                if not isinstance(dataset, dict):
                    continue
                remote_id = str(dataset.get("dataset_id") or "")
                if remote_id in seen:
                    continue
                seen.add(remote_id)
                title = ((dataset.get("metas") or {}).get("default") or {}).get("title") or ""
                yield RemoteEntry(remote_id, dataset, str(title))
            offset += len(data["results"])
            if not data["results"] or offset >= total:
                break
        if len(seen) < total:
            raise SourceError(f"Le portail annonce {total} jeux de données mais les pages n'en "
                              f"donnent que {len(seen)} : réessayez.")

    def to_dataset(self, entry: RemoteEntry) -> RemoteDataset:
        dataset = entry.raw
        if not entry.remote_id:
            raise RecordError("jeu de données sans identifiant (« dataset_id »)")
        metas = dataset.get("metas") or {}
        default, dcat = metas.get("default") or {}, metas.get("dcat") or {}
        if not default.get("title"):
            raise RecordError("jeu de données sans titre")
        return RemoteDataset(
            remote_id=entry.remote_id,
            title=str(default["title"]),
            description=html_to_text(str(default.get("description") or "")),
            remote_url=f"{self.url}/explore/dataset/{quote(entry.remote_id)}/",
            modified=parse_datetime(default.get("modified")),
            organisation=str(default.get("publisher") or dcat.get("creator") or ""),
            licence=str(default.get("license") or ""),
            licence_url=str(default.get("license_url") or ""),
            tags=[str(k) for k in _as_list(default.get("keyword"))],
            frequency=str(dcat.get("accrualperiodicity") or ""),
            temporal_start=parse_date(dcat.get("temporal_coverage_start")),
            temporal_end=parse_date(dcat.get("temporal_coverage_end")),
            contact_name=str(dcat.get("contact_name") or ""),
            contact_email=str(dcat.get("contact_email") or ""),
            zones=[str(z) for z in _as_list(default.get("territory"))],
            resources=self._resources(entry.remote_id, dataset),
        )

    def _resources(self, dataset_id: str, dataset: dict) -> list[RemoteResource]:
        base = f"{self.url}/api/explore/v2.1/catalog/datasets/{quote(dataset_id)}"
        resources = []
        if dataset.get("has_records", True):
            exports = EXPORTS + (GEO_EXPORTS if "geo" in (dataset.get("features") or []) else [])
            for fmt, label in exports:
                resources.append(RemoteResource(
                    key=f"export:{fmt}", url=f"{base}/exports/{fmt}", format=fmt,
                    title=f"Export {label}",
                    description="Export complet des données, produit par le portail source.",
                ))
        for kind in ("alternative_exports", "attachments"):
            for item in dataset.get(kind) or []:
                if not isinstance(item, dict):
                    continue
                url = http_url(item.get("href") or item.get("url"))
                if not url:
                    continue
                title = str(item.get("title") or item.get("id") or url)
                resources.append(RemoteResource(
                    key=f"{kind}:{item.get('id') or url}", url=url, title=title,
                    format=_format_of(title, str(item.get("mimetype") or "")),
                ))
        return resources


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _format_of(name: str, mimetype: str) -> str:
    if "." in name and len(name.rsplit(".", 1)[1]) <= 8:
        return name.rsplit(".", 1)[1].lower()
    return mimetype.rsplit("/", 1)[-1].lower()[:40] if mimetype else ""
