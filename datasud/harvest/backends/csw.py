"""Geographic catalogues (GeoNetwork, pycsw...) through CSW 2.0.2: GetRecords in ISO 19139
(`outputSchema` gmd), paged with startPosition/nextRecord, each record read by OWSLib's ISO
parser (`owslib.iso.MD_Metadata`).

The requests go through our guarded fetcher (KVP GET, which every CSW 2.0.2 server offers)
rather than OWSLib's own HTTP client, so that the SSRF guard, time and size limits hold.
Services (`hierarchyLevel` = service) are left out: DataSud catalogues datasets.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from owslib.iso import MD_Metadata

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

NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "ows": "http://www.opengis.net/ows",
}
GMD = NS["gmd"]
MAX_PAGES = 2000
# Who produced the data, in order of preference, among the contacts of the resource.
PRODUCER_ROLES = ["owner", "originator", "publisher", "custodian", "author", "pointOfContact"]
# OGC protocols → the short format names of the catalogue.
PROTOCOL_FORMATS = {"ogc:wms": "wms", "ogc:wfs": "wfs", "ogc:wmts": "wmts", "ogc:wcs": "wcs",
                    "esri:rest": "arcgis rest"}


class CswBackend(Backend):
    def _params(self, start: int) -> dict:
        params = {
            "service": "CSW", "version": "2.0.2", "request": "GetRecords",
            "typeNames": "gmd:MD_Metadata", "namespace": f"xmlns(gmd={GMD})",
            "resultType": "results", "elementSetName": "full", "outputSchema": GMD,
            "startPosition": start, "maxRecords": self.page_size,
        }
        if self.config.get("anytext"):
            text = str(self.config["anytext"]).replace("'", "''")
            params.update(constraintLanguage="CQL_TEXT", constraint_language_version="1.1.0",
                          constraint=f"AnyText LIKE '%{text}%'")
        return params

    def entries(self) -> Iterator[RemoteEntry]:
        start, matched, seen, received, pages = 1, None, set(), 0, 0
        while start and pages < MAX_PAGES:
            pages += 1
            root = self.fetcher.get_xml(self.url, self._params(start))
            results = _search_results(root, self.url)
            page_matched = _int(results.get("numberOfRecordsMatched"))
            if matched is None:
                matched = page_matched
            elif page_matched != matched:
                raise SourceError("Le catalogue CSW a changé pendant la lecture : réessayez.")
            records = results.findall(f"{{{GMD}}}MD_Metadata")
            received += len(records)
            for element in records:
                scope = element.find("gmd:hierarchyLevel/gmd:MD_ScopeCode", namespaces=NS)
                if scope is not None and scope.get("codeListValue") == "service":
                    continue
                remote_id = (element.findtext("gmd:fileIdentifier/gco:CharacterString",
                                              namespaces=NS) or "").strip()
                if remote_id in seen:
                    continue
                seen.add(remote_id)
                title = element.findtext(
                    "gmd:identificationInfo/*/gmd:citation/gmd:CI_Citation/gmd:title/"
                    "gco:CharacterString", namespaces=NS) or ""
                yield RemoteEntry(remote_id, element, title.strip())
            next_record = _int(results.get("nextRecord"))
            if not records or next_record <= start or next_record > matched:
                break
            start = next_record
        if matched is not None and received < matched:
            raise SourceError(f"Le catalogue CSW annonce {matched} fiches mais les pages n'en "
                              f"donnent que {received} : réessayez.")

    def to_dataset(self, entry: RemoteEntry) -> RemoteDataset:
        if not entry.remote_id:
            raise RecordError("fiche sans identifiant (« fileIdentifier »)")
        try:
            md = MD_Metadata(entry.raw)
        except Exception as exc:  # OWSLib raises whatever the broken XML triggers
            raise RecordError(f"fiche ISO 19139 illisible ({exc})") from exc
        idents = md.identification if isinstance(md.identification, list) else [
            md.identification]
        ident = next((i for i in idents if i is not None), None)
        if ident is None or not ident.title:
            raise RecordError("fiche sans titre")
        # The resource's contacts first: md.contact is who answers for the metadata record.
        contacts = list(ident.contact or []) + list(md.contact or [])
        producer = _by_role(contacts, PRODUCER_ROLES)
        point = _by_role(list(ident.contact or []), ["pointOfContact"]) or producer
        tags = []
        for group in ident.keywords or []:
            for keyword in getattr(group, "keywords", []) or []:
                name = getattr(keyword, "name", None)
                if name and name not in tags:
                    tags.append(name)
        constraints = [str(c) for c in (ident.otherconstraints or []) + (
            ident.uselimitation or []) if c]
        frequency = entry.raw.find(
            "gmd:identificationInfo/*/gmd:resourceMaintenance/gmd:MD_MaintenanceInformation/"
            "gmd:maintenanceAndUpdateFrequency/gmd:MD_MaintenanceFrequencyCode", namespaces=NS)
        return RemoteDataset(
            remote_id=entry.remote_id,
            title=ident.title.strip(),
            description=(ident.abstract or "").strip(),
            remote_url=f"{self.url}?" + urlencode({
                "service": "CSW", "version": "2.0.2", "request": "GetRecordById",
                "id": entry.remote_id, "elementSetName": "full", "outputSchema": GMD}),
            modified=parse_datetime(md.datestamp),
            organisation=(producer.organization or "").strip() if producer else "",
            licence=_licence_text(constraints),
            tags=tags,
            frequency=frequency.get("codeListValue", "") if frequency is not None else "",
            temporal_start=parse_date(getattr(ident, "temporalextent_start", None)),
            temporal_end=parse_date(getattr(ident, "temporalextent_end", None)),
            contact_name=((point.organization or point.name or "").strip() if point else ""),
            contact_email=(point.email or "").strip() if point else "",
            resources=_resources(md),
        )


def _search_results(root, url: str):
    if root.tag == f"{{{NS['ows']}}}ExceptionReport":
        text = " ".join(t.strip() for t in root.itertext() if t.strip())
        raise SourceError(f"Le service CSW a répondu une exception ({text[:300]}) : {url}")
    results = root.find("csw:SearchResults", namespaces=NS)
    if root.tag != f"{{{NS['csw']}}}GetRecordsResponse" or results is None:
        raise SourceError(f"Ce n'est pas une réponse GetRecords CSW 2.0.2 : {url}")
    return results


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _by_role(contacts, roles):
    for role in roles:
        for contact in contacts:
            if getattr(contact, "role", None) == role and (contact.organization or contact.name):
                return contact
    return None


def _licence_text(constraints: list[str]) -> str:
    """The constraint naming a licence, if any (ISO 19139 has no licence field: French
    catalogues write it in otherConstraints or useLimitation)."""
    for text in constraints:
        lowered = text.lower()
        if "licen" in lowered or "odbl" in lowered or "creative commons" in lowered:
            return text.strip()
    return ""


def _resources(md: MD_Metadata) -> list[RemoteResource]:
    online = getattr(md.distribution, "online", None) or []
    resources, keys = [], set()
    for link in online:
        url = http_url(link.url)
        if not url:
            continue
        protocol = (link.protocol or "").strip()
        key = f"{protocol}|{url}|{link.name or ''}"
        if key in keys:
            continue
        keys.add(key)
        fmt = PROTOCOL_FORMATS.get(protocol.lower(), "")
        resources.append(RemoteResource(
            key=key, url=url, format=fmt,
            title=(link.name or link.description or url).strip(),
            description=(link.description or "").strip() if link.name else "",
        ))
    return resources
