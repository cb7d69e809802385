"""Harvesting OpenDataSoft (Explore v2.1), CSW (ISO 19139) and DCAT (Turtle/JSON-LD, Hydra
paging) sources served by a local portal with recorded answers."""
import json
from pathlib import Path

import pytest

from datasud.catalog.models import Dataset
from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob, HarvestRecord

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


# --- OpenDataSoft ----------------------------------------------------------------------------

def test_ods_catalog_is_harvested_with_exports_as_resources(make_source, portal, ods,
                                                           reference):
    source = make_source("ods", portal.url, config={"page_size": 2})

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    assert (job.listed, job.created) == (3, 3)
    irve = Dataset.objects.get(source_id="bornes-de-recharge-pour-vehicules-electriques")
    assert irve.title == "Bornes de recharge pour véhicules électriques"
    # HTML descriptions become plain paragraphs.
    assert irve.description == ("Localisation des bornes de recharge publiques.\n\n"
                                "Données conformes au schéma IRVE.")
    assert irve.licence.slug == "lov2"
    assert irve.frequency == Dataset.Frequency.WEEKLY
    assert irve.contact_email == "opendata@example-ods.fr"
    assert irve.source_url == (f"{portal.url}/explore/dataset/"
                               "bornes-de-recharge-pour-vehicules-electriques/")
    base = f"{portal.url}/api/explore/v2.1/catalog/datasets/" \
           "bornes-de-recharge-pour-vehicules-electriques"
    assert sorted(irve.resources.values_list("format", "url")) == sorted([
        ("csv", f"{base}/exports/csv"), ("json", f"{base}/exports/json"),
        ("geojson", f"{base}/exports/geojson"), ("shp", f"{base}/exports/shp"),
        ("pdf", "https://data.example-ods.fr/api/explore/v2.1/catalog/datasets/"
                "bornes-de-recharge-pour-vehicules-electriques/attachments/notice_pdf"),
    ])
    lycees = Dataset.objects.get(source_id="lycees-publics")
    assert lycees.frequency == Dataset.Frequency.ANNUAL  # "Annuelle"
    assert (str(lycees.temporal_start), str(lycees.temporal_end)) == ("2023-09-01",
                                                                      "2024-08-31")
    assert lycees.resources.count() == 2  # no geo exports
    # A dataset without records: only its attachment.
    rapport = Dataset.objects.get(source_id="rapport-activite-2023")
    assert list(rapport.resources.values_list("format", flat=True)) == ["pdf"]
    assert sum("/catalog/datasets?" in r for r in portal.requests) == 2


def test_ods_incremental_and_withdrawal(make_source, portal, ods, reference):
    source = make_source("ods", portal.url)
    jobs.harvest_now(source)
    ods.dataset("lycees-publics")["metas"]["default"]["title"] = "Lycées publics (2024)"
    ods.datasets.remove(ods.dataset("rapport-activite-2023"))

    job = jobs.harvest_now(source)

    assert (job.updated, job.unchanged, job.withdrawn) == (1, 1, 1)
    assert Dataset.objects.get(source_id="lycees-publics").title == "Lycées publics (2024)"
    assert Dataset.objects.get(source_id="rapport-activite-2023").archived_at is not None


def test_ods_error_answer_fails_the_job(make_source, portal, ods, reference):
    # The real API refuses limit > 100 with a 400 and a JSON error.
    source = make_source("ods", portal.url)
    portal.routes["/api/explore/v2.1/catalog/datasets"] = lambda q: (
        400, "application/json", json.dumps({"error_code": "ODSQLError", "message": "x"}))
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED and "400" in job.error


# --- CSW -------------------------------------------------------------------------------------

def test_csw_iso_records_are_harvested_page_by_page(make_source, portal, csw, reference):
    source = make_source("csw", f"{portal.url}/geonetwork/srv/fre/csw",
                         use_remote_organisation=True, config={"page_size": 1})

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    # Two datasets; the service record is left out.
    assert (job.listed, job.created) == (2, 2)
    znieff = Dataset.objects.get(source_id="8f3c2a71-5d0e-4b6a-9e21-3a1f0c9d7e01")
    assert znieff.title.startswith("Zones naturelles d'intérêt écologique")
    assert znieff.organisation.name == "DREAL PACA"
    assert znieff.licence.slug == "lov2"
    assert znieff.frequency == Dataset.Frequency.ANNUAL
    assert (str(znieff.temporal_start), str(znieff.temporal_end)) == ("2010-01-01",
                                                                      "2023-12-01")
    assert znieff.contact_email == "biodiversite.dreal-paca@developpement-durable.gouv.fr"
    assert sorted(znieff.tags.values_list("name", flat=True)) == [
        "biodiversité", "sites protégés", "znieff"]
    assert sorted(znieff.resources.values_list("format", "url")) == [
        ("wfs", "https://geo.example-csw.fr/geoserver/ows"),
        ("zip", "https://geo.example-csw.fr/telechargement/znieff1_paca.zip")]
    assert "request=GetRecordById" in znieff.source_url
    ppri = Dataset.objects.get(source_id="8f3c2a71-5d0e-4b6a-9e21-3a1f0c9d7e02")
    assert ppri.organisation.name == "DDT des Alpes-de-Haute-Provence"
    # One request per page, three records one at a time.
    assert sum("GetRecords&" in r or "request=GetRecords" in r for r in portal.requests) == 3
    assert jobs.harvest_now(source).unchanged == 2


def test_csw_exception_report_and_truncated_xml_fail(make_source, portal, csw, reference):
    source = make_source("csw", f"{portal.url}/geonetwork/srv/fre/csw")
    assert jobs.harvest_now(source).created == 2
    answer = csw.get_records

    def truncated(query):
        status, content_type, body = answer(query)
        return status, content_type, body[: len(body) // 2]

    portal.routes["/geonetwork/srv/fre/csw"] = truncated
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED and "tronqué" in job.error

    portal.routes["/geonetwork/srv/fre/csw"] = lambda q: answer({})  # ows:ExceptionReport
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED and "Unsupported request" in job.error

    # Some servers send their exception report with a 200.
    portal.routes["/geonetwork/srv/fre/csw"] = lambda q: (200, *answer({})[1:])
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED and "a répondu une exception" in job.error
    assert Dataset.objects.filter(archived_at__isnull=True).count() == 2


# --- DCAT ------------------------------------------------------------------------------------

def test_dcat_turtle_catalogue_with_hydra_paging(make_source, portal, dcat, reference):
    source = make_source("dcat", f"{portal.url}/catalog.ttl?page=1",
                         use_remote_organisation=True)

    job = jobs.harvest_now(source)

    assert job.status == HarvestJob.Status.SUCCEEDED, job.error or job.report
    assert (job.listed, job.created) == (3, 3)
    pistes = Dataset.objects.get(source_id="pistes-cyclables")
    assert pistes.title == "Pistes cyclables"  # the French title
    assert pistes.organisation.name == "Communauté d'agglomération Sophia Antipolis"
    assert pistes.organisation.type == "communaute-agglomeration"
    assert pistes.licence.slug == "lov2"  # matched on its URL
    assert pistes.frequency == Dataset.Frequency.QUARTERLY
    assert (str(pistes.temporal_start), str(pistes.temporal_end)) == ("2020-01-01",
                                                                      "2024-03-31")
    assert (pistes.contact_name, pistes.contact_email) == ("Service mobilité",
                                                           "mobilite@example-dcat.fr")
    assert pistes.source_url == "https://data.example-dcat.fr/datasets/pistes-cyclables"
    assert list(pistes.resources.values_list("format", flat=True)) == ["geojson"]
    dae = Dataset.objects.get(source_id="defibrillateurs")
    assert dae.frequency == Dataset.Frequency.IRREGULAR
    assert list(dae.resources.values_list("format", "url")) == [
        ("csv", "https://data.example-dcat.fr/files/dae.csv")]
    assert Dataset.objects.filter(source_id="marches-publics").exists()  # page 2

    dcat.pages["2"] = dcat.pages["2"].replace("hydra:totalItems 3", "hydra:totalItems 2") \
        .replace('<https://data.example-dcat.fr/datasets/marches-publics> a dcat:Dataset',
                 '<https://data.example-dcat.fr/datasets/marches-publics> a dcat:Resource')
    dcat.pages["1"] = dcat.pages["1"].replace("hydra:totalItems 3", "hydra:totalItems 2")
    job = jobs.harvest_now(source)
    assert (job.unchanged, job.withdrawn) == (2, 1)


def test_dcat_json_ld_catalogue(make_source, portal, reference):
    portal.serve("/catalog.jsonld", (FIXTURES / "dcat" / "catalog.jsonld").read_text(),
                 "application/ld+json")
    source = make_source("dcat", f"{portal.url}/catalog.jsonld")

    job = jobs.harvest_now(source)

    assert job.created == 1, job.error or job.report
    pistes = Dataset.objects.get(source_id="pistes-cyclables")
    assert sorted(pistes.tags.values_list("name", flat=True)) == ["mobilité douce", "vélo"]


@pytest.mark.parametrize("body, content_type, reason", [
    ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> a dcat:Dataset ; <b> \"trunc",
     "text/turtle", "RDF illisible"),
    ('{"@context": "https://www.w3.org/ns/dcat.jsonld", "@graph": []}',
     "application/ld+json", "contexte distant"),
    ("<!DOCTYPE html><html><body>Portail en maintenance</body></html>", "text/html",
     "page HTML"),
    ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>',
     "application/rdf+xml", "entités"),
    ("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<a> foaf:name \"Pas un catalogue\" .",
     "text/turtle", "Aucun catalogue DCAT"),
])
def test_dcat_garbage_fails_the_job(make_source, portal, reference, body, content_type,
                                    reason):
    portal.serve("/catalog", body, content_type)
    job = jobs.harvest_now(make_source("dcat", f"{portal.url}/catalog"))
    assert job.status == HarvestJob.Status.FAILED
    assert reason in job.error, job.error
    assert not HarvestRecord.objects.exists()
