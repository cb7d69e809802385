"""CKAN portals, through the Action API: `package_search` paged with rows/start.

Sorted by `name` (unique, and a sort every CKAN-compatible API offers — DataSud's own
does not sort on `id`) so that pages are stable while we read them; the `count` announced must
match what the pages gave, or the job fails (a dataset skipped by shifting pages would
otherwise be taken for removed).
"""
from __future__ import annotations

from collections.abc import Iterator

from .base import (
    Backend,
    RecordError,
    RemoteDataset,
    RemoteEntry,
    RemoteResource,
    SourceError,
    http_url,
    parse_date,
    parse_datetime,
)

MAX_ROWS = 1000  # CKAN's default ckan.search.rows_max


class CkanBackend(Backend):
    def entries(self) -> Iterator[RemoteEntry]:
        endpoint = f"{self.url}/api/3/action/package_search"
        rows = min(self.page_size, MAX_ROWS)
        params = {"rows": rows, "sort": "name asc", "q": self.config.get("q") or "*:*"}
        if self.config.get("fq"):
            params["fq"] = self.config["fq"]
        start, count, seen = 0, None, set()
        while True:
            data = self.fetcher.get_json(endpoint, {**params, "start": start})
            result = _result(data, endpoint)
            page_count = result.get("count")
            if count is None:
                count = page_count
            elif page_count != count:
                raise SourceError("Le catalogue CKAN a changé pendant la lecture (nombre de jeux "
                                  f"de données passé de {count} à {page_count}) : réessayez.")
            packages = result.get("results")
            if not isinstance(packages, list):
                raise SourceError(f"Réponse CKAN sans liste de résultats : {endpoint}")
            for package in packages:
                if not isinstance(package, dict):
                    continue
                remote_id = str(package.get("id") or "")
                if remote_id in seen:
                    continue
                seen.add(remote_id)
                yield RemoteEntry(remote_id, package, str(package.get("title") or ""))
            start += len(packages)
            if not packages or start >= count:
                break
        if len(seen) < count:
            raise SourceError(f"Le catalogue CKAN annonce {count} jeux de données mais les pages "
                              f"n'en donnent que {len(seen)} : réessayez.")

    def to_dataset(self, entry: RemoteEntry) -> RemoteDataset:
        package = entry.raw
        if not entry.remote_id:
            raise RecordError("jeu de données sans identifiant (« id »)")
        if package.get("private") or package.get("state", "active") != "active":
            raise RecordError("jeu de données privé ou supprimé à la source")
        extras = {str(e.get("key")): e.get("value") for e in package.get("extras") or []
                  if isinstance(e, dict)}
        organisation = package.get("organization") or {}
        resources = []
        for resource in package.get("resources") or []:
            url = http_url(resource.get("url"))
            if not url or resource.get("state", "active") != "active":
                continue
            resources.append(RemoteResource(
                key=str(resource.get("id") or url), url=url,
                title=str(resource.get("name") or "").strip() or url,
                format=str(resource.get("format") or ""),
                description=str(resource.get("description") or ""),
            ))
        name = package.get("name") or entry.remote_id
        return RemoteDataset(
            remote_id=entry.remote_id,
            title=str(package.get("title") or name),
            description=str(package.get("notes") or ""),
            remote_url=f"{self.url}/dataset/{name}",
            modified=parse_datetime(package.get("metadata_modified")),
            organisation=str(organisation.get("title") or organisation.get("name") or ""),
            organisation_id=str(organisation.get("id") or ""),
            licence=str(package.get("license_title") or package.get("license_id") or ""),
            licence_url=str(package.get("license_url") or ""),
            tags=[str(t.get("display_name") or t.get("name") or "")
                  for t in package.get("tags") or [] if isinstance(t, dict)],
            # ckanext-dcat and ckanext-scheming name these extras like DCAT does.
            frequency=str(extras.get("frequency") or extras.get("update_frequency") or ""),
            temporal_start=parse_date(extras.get("temporal_start")),
            temporal_end=parse_date(extras.get("temporal_end")),
            contact_name=str(package.get("maintainer") or package.get("author") or ""),
            contact_email=str(package.get("maintainer_email") or package.get("author_email")
                              or ""),
            zones=[z for z in str(extras.get("spatial_text") or "").split(",") if z.strip()],
            resources=resources,
        )


def _result(data, endpoint: str) -> dict:
    if not isinstance(data, dict) or "success" not in data:
        raise SourceError(f"Ce n'est pas une réponse de l'API CKAN : {endpoint}")
    if not data["success"]:
        error = data.get("error") or {}
        message = error.get("message") if isinstance(error, dict) else error
        raise SourceError(f"L'API CKAN a refusé la requête ({message}) : {endpoint}")
    result = data.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("count"), int):
        raise SourceError(f"Réponse CKAN sans nombre de résultats : {endpoint}")
    return result
