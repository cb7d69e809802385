"""The resource page ("Explorer les données"): status, preview, sort, filter, pages, chart,
exports, API examples, producer actions, and the link from the dataset page.

Tables are built here without the ingestion pipeline: a Parquet file written by DuckDB and
the Load/Table rows that describe it, as a successful load would leave them.
"""
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html import unescape

import duckdb
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from datasud.catalog.models import Resource
from datasud.datastore.models import DeclaredSchema, Load, Table
from datasud.datastore.profile import profile_table

pytestmark = pytest.mark.django_db

COLUMNS = [("code_insee", "VARCHAR"), ("nom", "VARCHAR"), ("departement", "VARCHAR"),
           ("population", "BIGINT"), ("superficie", "DOUBLE"), ("date_maj", "DATE")]
DEPARTEMENTS = ["04", "05", "06", "13", "83", "84"]
XSS = '<script>alert("x")</script>'


def commune_rows() -> list[tuple]:
    """25 communes: populations 1000, 2000... 25000; one name tries an XSS."""
    rows = []
    for i in range(25):
        departement = DEPARTEMENTS[i % len(DEPARTEMENTS)]
        name = XSS if i == 7 else f"Commune {i + 1:02d}"
        rows.append((f"{departement}{i:03d}", name, departement, (i + 1) * 1000,
                     round(10.5 + i, 2), date(2024, 1, 1) + timedelta(days=i)))
    return rows


def make_resource(dataset, title="communes.csv", fmt="csv") -> Resource:
    # bulk_create: no post_save signal, so no load is queued by the catalogue.
    Resource.objects.bulk_create([Resource(dataset=dataset, title=title, format=fmt,
                                           kind=Resource.Kind.URL,
                                           url=f"https://example.org/{title}")])
    return dataset.resources.get(title=title)


def write_table(settings, resource, rows, columns=COLUMNS, *, number=1, position=0, name="",
                load=None, **load_fields) -> Table:
    """A Parquet file under DATASTORE_DIR and the rows of a successful, current load."""
    directory = f"resources/{resource.pk}/v{number}"
    path = settings.DATASTORE_DIR / directory / f"table-{position}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (" + ", ".join(f'"{n}" {t}' for n, t in columns) + ")")
    if rows:
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(columns))})", rows)
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    profile = profile_table(con, path, columns)
    con.close()
    if load is None:
        now = timezone.now()
        load = Load.objects.create(
            resource=resource, number=number, status=Load.Status.SUCCEEDED, is_current=True,
            directory=directory, started_at=now - timedelta(seconds=2), finished_at=now,
            source_format="csv", options={"format": "csv", "encoding": "utf-8",
                                          "delimiter": ";"}, **load_fields)
    return Table.objects.create(load=load, position=position, name=name,
                                file=f"{directory}/table-{position}.parquet",
                                row_count=len(rows), columns=[list(c) for c in columns],
                                profile=profile, size=path.stat().st_size)


@pytest.fixture
def communes(settings, make_dataset):
    resource = make_resource(make_dataset("Communes de la région"))
    write_table(settings, resource, commune_rows())
    return resource


def page_url(resource) -> str:
    return reverse("datastore:resource", args=[resource.dataset.slug, resource.pk])


def get(client, resource, **params):
    return client.get(page_url(resource), params)


def data_rows(html: str) -> list[list[str]]:
    """The cells of the preview table's body, as text."""
    table = html.split('class="table ds-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def names(html: str) -> list[str]:
    return [row[2] for row in data_rows(html)]  # N°, code_insee, nom...


# --- Preview ---------------------------------------------------------------------------

def test_page_shows_status_and_first_rows(client, communes):
    response = get(client, communes)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>communes.csv</h1>" in html
    assert communes.dataset.get_absolute_url() in html  # breadcrumb and eyebrow
    assert 'href="https://example.org/communes.csv"' in html  # the original file
    assert "Version servie" in html and "point-virgule" in html
    rows = data_rows(html)
    assert len(rows) == 20
    assert rows[0][:3] == ["1", "04000", "Commune 01"]
    assert re.search(r"Lignes 1–20 sur 25", html)
    # Numbers in French: 1 000 with a (narrow) non-breaking space, decimals with a comma.
    assert re.sub(r"\s", " ", rows[0][4]) == "1 000"
    assert rows[0][5] == "10,5"
    assert rows[0][6] == "2024-01-01"


def test_values_from_the_data_are_escaped(client, communes):
    html = get(client, communes).content.decode()
    assert XSS not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_sort_links_and_aria_sort(client, communes):
    html = get(client, communes).content.decode()
    assert "order_by=population#apercu" in html
    assert "aria-sort" not in html
    response = get(client, communes, order_by="population desc")
    html = response.content.decode()
    assert names(html)[:2] == ["Commune 25", "Commune 24"]
    header = re.search(r'<th scope="col" aria-sort="(\w+)"[^>]*>\s*<a class="ds-sort" '
                       r'href="([^"]+)">\s*<span class="ds-col-name">(\w+)', html)
    assert header.group(1) == "descending" and header.group(3) == "population"
    # From descending, the link sorts ascending again.
    assert "order_by=population#apercu" in unescape(header.group(2))
    html = get(client, communes, order_by="population").content.decode()
    assert names(html)[0] == "Commune 01"
    assert 'aria-sort="ascending"' in html


def test_filters_change_the_rows(client, communes):
    html = get(client, communes, where="departement = '04'").content.decode()
    rows = data_rows(html)
    assert {row[3] for row in rows} == {"04"}
    assert len(rows) == 5
    assert "Lignes 1–5 sur 5" in html and "(filtrées parmi 25)" in html
    html = get(client, communes, q="ALERT").content.decode()
    assert names(html) == [XSS]
    html = get(client, communes, where="population > 100000").content.decode()
    assert data_rows(html) == [["Aucune ligne."]]
    assert "Aucune ligne ne correspond au filtre." in html


def test_pages_move_with_offset(client, communes):
    html = get(client, communes).content.decode()
    assert 'rel="next"' in html and 'rel="prev"' not in html
    next_link = unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
    assert "offset=20" in next_link
    html = client.get(next_link.split("#")[0]).content.decode()
    assert len(data_rows(html)) == 5
    assert "Lignes 21–25 sur 25" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert names(html)[0] == "Commune 21"


def test_pages_keep_the_filter_and_the_sort(client, communes):
    html = get(client, communes, where="population >= 2000",
               order_by="population desc").content.decode()
    next_link = unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
    assert "where=population" in next_link and "order_by=population+desc" in next_link


def test_bad_filter_shows_the_error_in_the_page(client, communes):
    response = get(client, communes, where="nope = 1")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="ds-query-error" role="alert"' in html
    assert "nope" in html.split('id="ds-query-error"', 1)[1].split("</div>", 1)[0]
    assert 'aria-invalid="true"' in html
    assert "<h1>communes.csv</h1>" in html  # the rest of the page is still there
    assert get(client, communes, order_by="inconnue").status_code == 400


def test_several_tables_are_tabs(settings, client, make_dataset):
    resource = make_resource(make_dataset("Classeur"), "classeur.xlsx", "xlsx")
    first = write_table(settings, resource, commune_rows()[:3], name="Communes")
    write_table(settings, resource, [("a", "b", "c", 1, 1.0, date(2024, 1, 1))],
                position=1, name="Autre feuille", load=first.load)
    html = get(client, resource).content.decode()
    assert 'aria-label="Tables de la ressource"' in html
    assert re.search(r'href="[^"]*\?table=2#donnees"\s*>Autre feuille', html)
    html = get(client, resource, table=2).content.decode()
    assert re.search(r'aria-current="page">Autre feuille', html)
    assert len(data_rows(html)) == 1
    assert get(client, resource, table=3).status_code == 404


def test_odd_column_names_sort_and_chart(settings, client, make_dataset):
    columns = [("code postal", "VARCHAR"), ("desc", "BIGINT"), ("Année <b>", "INTEGER")]
    resource = make_resource(make_dataset("Noms bizarres"))
    write_table(settings, resource, [("04000", 3, 2020), ("05000", 1, 2021),
                                     ("04000", 2, 2022)], columns)
    html = get(client, resource).content.decode()
    assert "Année &lt;b&gt;" in html and "Année <b>" not in html
    link = unescape(re.search(r'href="([^"]*order_by=[^"]*desc[^"]*)"', html).group(1))
    assert "order_by=%60desc%60" in link
    html = get(client, resource, order_by="`desc` desc").content.decode()
    assert [row[2] for row in data_rows(html)] == ["3", "2", "1"]
    assert 'aria-sort="descending"' in html
    html = get(client, resource, chart_by="code postal", chart_agg="sum",
               chart_measure="desc", chart_type="bar").content.decode()
    assert [float(b.get("data-value")) for b in chart_bars(html)] == [5, 1]


def test_chart_form_suggests_a_small_text_column(client, communes):
    html = get(client, communes).content.decode()
    assert '<option value="departement" selected>' in html
    assert 'class="chart' not in html  # nothing is drawn before the form is sent


# --- Visibility ------------------------------------------------------------------------

def test_private_dataset_is_404_for_others(settings, make_dataset, outsider, editor):
    resource = make_resource(make_dataset("Privé", private=True))
    write_table(settings, resource, commune_rows())
    assert get(Client(), resource).status_code == 404
    client = Client()
    client.force_login(outsider)
    assert get(client, resource).status_code == 404
    client.force_login(editor)
    assert get(client, resource).status_code == 200


def test_wrong_dataset_in_the_address_is_404(client, communes, make_dataset):
    other = make_dataset("Autre")
    url = reverse("datastore:resource", args=[other.slug, communes.pk])
    assert client.get(url).status_code == 404


# --- Status of loads -------------------------------------------------------------------

def test_failed_load_shows_its_error_line_and_details(client, communes):
    Load.objects.create(resource=communes, number=2, status=Load.Status.FAILED, error={
        "message": "La ligne 12 a 7 valeurs au lieu de 6.", "code": "ragged", "line": 12,
        "column": "population", "details": [
            {"line": 12, "message": "7 valeurs au lieu de 6", "content": "a;b;c;d;e;f;g"},
            {"line": 15, "message": "5 valeurs au lieu de 6", "content": "a;b;c;d;e"}]})
    html = get(client, communes).content.decode()
    box = html.split("ds-load-error", 1)[1].split('class="ds-facts"', 1)[0]
    assert "Le chargement de la version 2 a échoué" in box
    assert "La ligne 12 a 7 valeurs au lieu de 6." in box
    assert re.search(r"<dt>Ligne</dt><dd>12</dd>", box)
    assert "<code>population</code>" in box
    assert "a;b;c;d;e;f;g" in box and "5 valeurs au lieu de 6" in box
    assert "La version 1, chargée avant, reste servie." in box
    assert len(data_rows(html)) == 20  # version 1 is still served


def test_failed_first_load_without_data(client, make_dataset):
    resource = make_resource(make_dataset("Cassé"))
    Load.objects.create(resource=resource, number=1, status=Load.Status.FAILED,
                        error={"message": "Encodage illisible.", "code": "encoding",
                               "line": 3, "column": None, "details": []})
    response = get(client, resource)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Encodage illisible." in html
    assert "Aucune version des données n'est servie pour l'instant." in html
    assert 'id="apercu"' not in html


def test_running_load_shows_its_stage_and_polls(client, communes):
    Load.objects.create(resource=communes, number=2, status=Load.Status.RUNNING,
                        stage="Profil des colonnes", started_at=timezone.now())
    html = get(client, communes).content.decode()
    assert "Chargement de la version 2 en cours." in html
    assert "Profil des colonnes" in html
    assert f'data-poll-url="/api/1/datastore/{communes.pk}/"' in html
    assert ">Rafraîchir</a>" in html
    assert "datastore/datastore.js" in html


def test_not_loaded_yet_and_not_tabular(client, make_dataset):
    dataset = make_dataset("Divers")
    waiting = make_resource(dataset, "attente.csv")
    html = get(client, waiting).content.decode()
    assert "pas encore chargée" in html
    pdf = make_resource(dataset, "notice.pdf", "pdf")
    html = get(client, pdf).content.decode()
    assert "ne peut pas être exploré en ligne" in html


def test_warnings_are_listed(settings, client, make_dataset):
    resource = make_resource(make_dataset("Avertissements"))
    write_table(settings, resource, commune_rows()[:2],
                warnings=["2 lignes vides ignorées.", "Colonne sans nom renommée."])
    html = get(client, resource).content.decode()
    assert "Avertissements (2)" in html
    assert "<li>2 lignes vides ignorées.</li>" in html


# --- Profile, chart --------------------------------------------------------------------

def test_column_profile(client, communes):
    html = get(client, communes).content.decode()
    section = html.split('id="colonnes"', 1)[1].split("</section>", 1)[0]
    assert ">population</h3>" in section
    assert ">entier</span>" in section and ">texte</span>" in section
    assert ">date</span>" in section and ">nombre</span>" in section
    assert "Valeurs les plus fréquentes" in section
    assert "Moyenne" in section
    assert re.search(r"Moyenne</dt><dd>13\s000</dd>", section)  # mean of 1000..25000


def chart_svg(html: str) -> str:
    return re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart.*?</svg>', html,
                     re.S).group(0)


def chart_bars(html: str) -> list[ET.Element]:
    root = ET.fromstring(chart_svg(html))
    return [e for e in root.iter("{http://www.w3.org/2000/svg}rect")
            if e.get("class") == "chart-bar"]


def test_chart_counts_groups_sorted_by_value(client, communes):
    response = get(client, communes, chart_by="departement", chart_agg="count",
                   chart_type="bar")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "Nombre de lignes par « departement »" in html
    bars = chart_bars(html)
    # 25 rows over 6 departements: 04 has 5 rows, the others 4.
    values = [float(b.get("data-value")) for b in bars]
    assert values == [5, 4, 4, 4, 4, 4]
    assert bars[0].find("{http://www.w3.org/2000/svg}title").text == "04 : 5"
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == pytest.approx(heights[1] * 5 / 4, rel=0.01)
    # The same numbers as a table for screen readers.
    data = html.split('class="ds-chart-data"', 1)[1]
    assert re.search(r'<th scope="row">04</th><td class="numeric">5</td>', data)


def test_chart_sum_as_a_line_follows_the_group_order(client, communes):
    html = get(client, communes, chart_by="departement", chart_agg="sum",
               chart_measure="population", chart_type="line").content.decode()
    assert "Somme de « population » par « departement »" in html
    points = [float(c.get("data-value")) for c in
              ET.fromstring(chart_svg(html)).iter("{http://www.w3.org/2000/svg}circle")]
    expected = {}
    for row in commune_rows():
        expected[row[2]] = expected.get(row[2], 0) + row[3]
    assert points == [expected[d] for d in sorted(expected)]


def test_chart_uses_the_filter_and_reports_mistakes(client, communes):
    html = get(client, communes, where="departement in ('04', '05')", chart_by="departement",
               chart_agg="count", chart_type="bar").content.decode()
    assert len(chart_bars(html)) == 2
    response = get(client, communes, chart_by="departement", chart_agg="avg",
                   chart_measure="nom", chart_type="bar")
    assert response.status_code == 400
    assert "Choisissez une colonne numérique" in response.content.decode()
    assert 'class="chart' not in response.content.decode()


def test_chart_labels_are_escaped(client, communes):
    html = get(client, communes, chart_by="nom", chart_agg="sum", chart_measure="population",
               chart_type="bar").content.decode()
    assert XSS not in html
    assert "&lt;script&gt;" in chart_svg(html)


# --- Exports and API -------------------------------------------------------------------

def test_export_links_carry_the_filter(client, communes):
    html = unescape(get(client, communes).content.decode())
    for fmt in ("csv", "json", "jsonl", "parquet", "xlsx"):
        assert f'href="/api/1/datastore/{communes.pk}/export/{fmt}/"' in html
    assert f"/api/1/datastore/{communes.pk}/schema/?download=1" in html
    html = unescape(get(client, communes, where="departement = '04'", q="commune",
                        order_by="population desc").content.decode())
    links = re.findall(rf'href="(/api/1/datastore/{communes.pk}/export/\w+/\?[^"]+)"', html)
    assert len(links) == 5
    for link in links:
        assert "where=departement+%3D+%2704%27" in link
        assert "q=commune" in link and "order_by=population+desc" in link


def test_api_examples_use_the_current_filter(client, communes):
    html = unescape(get(client, communes, where="population > 1000").content.decode())
    assert f"http://testserver/api/1/datastore/{communes.pk}/records/?where=population" in html
    assert "--data-urlencode 'where=population > 1000'" in html
    assert "'where': 'population > 1000'," in html  # the Python example
    assert f"SELECT * FROM resource_{communes.pk} LIMIT 10" in html
    assert 'data-copy-target="ex-curl"' in html and 'aria-live="polite"' in html
    assert 'href="/api/1/docs"' in html


# --- Producers -------------------------------------------------------------------------

def reload_url(resource) -> str:
    return reverse("datastore:reload", args=[resource.dataset.slug, resource.pk])


def schema_url(resource) -> str:
    return reverse("datastore:declare_schema", args=[resource.dataset.slug, resource.pk])


def test_reload_button_only_for_producers(client, communes, outsider, editor):
    assert reload_url(communes) not in get(client, communes).content.decode()
    client.force_login(outsider)
    assert reload_url(communes) not in get(client, communes).content.decode()
    assert 'id="producteur"' not in get(client, communes).content.decode()
    client.force_login(editor)
    html = get(client, communes).content.decode()
    assert f'action="{reload_url(communes)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'id="producteur"' in html and 'name="schema"' in html


def test_reload_is_refused_to_others(client, settings, communes, outsider, make_dataset):
    assert client.post(reload_url(communes)).status_code == 403  # anonymous
    client.force_login(outsider)
    assert client.post(reload_url(communes)).status_code == 403
    private = make_resource(make_dataset("Privé", private=True))
    assert client.post(reload_url(private)).status_code == 404
    assert Load.objects.filter(status=Load.Status.QUEUED).count() == 0


def test_producer_reloads(client, communes, editor):
    client.force_login(editor)
    assert client.get(reload_url(communes)).status_code == 405
    response = client.post(reload_url(communes))
    assert response.status_code == 302
    assert response["Location"] == page_url(communes) + "#etat"
    load = Load.objects.get(resource=communes, number=2)
    assert load.status == Load.Status.QUEUED and load.requested_by == editor
    assert "version 2 demandé" in [str(m) for m in get_messages(response.wsgi_request)][0]
    html = get(client, communes).content.decode()
    assert "Chargement de la version 2 en attente." in html


def test_reload_needs_the_csrf_token(communes, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(reload_url(communes)).status_code == 403
    assert not Load.objects.filter(number=2).exists()


SCHEMA = {"fields": [{"name": "code_insee", "type": "string"},
                     {"name": "population", "type": "integer"}]}


def test_declare_schema_errors_are_form_errors(client, communes, editor, outsider):
    client.force_login(outsider)
    assert client.post(schema_url(communes), {"schema": "{}"}).status_code == 403
    client.force_login(editor)
    response = client.post(schema_url(communes), {"schema": "{pas du json"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-errors"' in html and "pas du JSON valide" in html
    assert "<h1>communes.csv</h1>" in html
    response = client.post(schema_url(communes), {"schema": "", "url": ""})
    assert "Collez le schéma ou donnez son adresse." in response.content.decode()
    response = client.post(schema_url(communes), {"schema": '{"fields": "nope"}'})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not DeclaredSchema.objects.exists()


def test_declare_schema(client, communes, editor):
    client.force_login(editor)
    response = client.post(schema_url(communes), {"schema": json.dumps(SCHEMA)})
    assert response.status_code == 302
    assert response["Location"] == page_url(communes) + "#validation"
    declared = DeclaredSchema.objects.get(resource=communes)
    assert [f["name"] for f in declared.descriptor["fields"]] == ["code_insee", "population"]
    assert Load.objects.filter(resource=communes, status=Load.Status.QUEUED).exists()


def test_validation_report(settings, client, make_dataset):
    resource = make_resource(make_dataset("Validé"))
    table = write_table(settings, resource, commune_rows()[:3])
    DeclaredSchema.objects.create(resource=resource, descriptor=SCHEMA)
    table.validation = {
        "valid": False, "error_count": 2, "row_count": 3,
        "errors": [{"type": "pattern", "field": "code_insee", "row": 2, "value": XSS,
                    "message": "Ne respecte pas le motif."},
                   {"type": "required", "field": "population", "row": 3, "value": None,
                    "message": "Valeur obligatoire."}],
        "by_field": {"code_insee": 1, "population": 1}, "by_type": {"pattern": 1,
                                                                    "required": 1}}
    table.save()
    html = get(client, resource).content.decode()
    section = html.split('id="validation"', 1)[1].split("</section>", 1)[0]
    assert "Non conforme : 2 erreurs" in section
    assert "Ne respecte pas le motif." in section and "Valeur obligatoire." in section
    assert "Erreurs par colonne" in section
    assert XSS not in html
    table.validation = {"valid": True, "error_count": 0, "row_count": 3, "errors": [],
                        "by_field": {}, "by_type": {}}
    table.save()
    html = get(client, resource).content.decode()
    assert "Conforme : les 3 lignes respectent le schéma déclaré." in html


# --- The dataset page ------------------------------------------------------------------

def test_dataset_page_links_to_the_data(settings, client, make_dataset,
                                        django_assert_max_num_queries):
    dataset = make_dataset("Plusieurs ressources")
    loaded = make_resource(dataset, "a.csv")
    write_table(settings, loaded, commune_rows())
    failed = make_resource(dataset, "b.csv")
    Load.objects.create(resource=failed, number=1, status=Load.Status.FAILED,
                        error={"message": "x", "code": "x", "details": []})
    running = make_resource(dataset, "c.csv")
    Load.objects.create(resource=running, number=1, status=Load.Status.RUNNING)
    make_resource(dataset, "d.csv")
    make_resource(dataset, "notice.pdf", "pdf")
    url = dataset.get_absolute_url()
    client.get(url)  # warm caches (sessions, content types...)
    with django_assert_max_num_queries(20) as queries:
        html = client.get(url).content.decode()
    # One query for the versions of all resources, one for the map previews' geo tables,
    # one for the quality score's "data loaded without errors": never one per resource.
    assert len([q for q in queries.captured_queries if "datastore_load" in q["sql"]]) == 3
    assert html.count("Explorer les données") == 4  # not for the PDF
    assert page_url(loaded) in html
    assert "25 lignes chargées" in html
    assert "échec du chargement" in html
    assert "chargement en cours" in html
    assert "pas encore chargée" in html
