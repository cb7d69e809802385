"""French writes the first of a month « 1er » (« 1er janvier 2027 »): every `|date` of the
templates and `datasud.web.dates.format_date` say so; other days, numeric dates and other
languages are untouched."""
import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from datasud.web.dates import format_date


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("template", "value", "expected"), [
    ("{{ d|date }}", dt.date(2027, 1, 1), "1er janvier 2027"),
    ('{{ d|date:"DATE_FORMAT" }}', dt.date(2027, 3, 1), "1er mars 2027"),
    ('{{ d|date:"j F Y" }}', dt.date(2027, 1, 2), "2 janvier 2027"),
    ('{{ d|date:"j F Y" }}', dt.date(2027, 1, 11), "11 janvier 2027"),
    ('{{ d|date:"j F Y H:i" }}', dt.datetime(2027, 5, 1, 10, 30), "1er mai 2027 10:30"),
    ('{{ d|date:"SHORT_DATE_FORMAT" }}', dt.date(2027, 1, 1), "01/01/2027"),
    ('{{ d|date:"F Y" }}', dt.date(2027, 1, 1), "janvier 2027"),
    ('{{ d|date:"\\j j F" }}', dt.date(2027, 1, 1), "j 1er janvier"),
    ('{{ d|date }}', None, ""),
    ('{{ d|date }}', "pas une date", ""),
])
def test_the_date_filter_writes_the_first_of_a_month_as_an_ordinal(template, value,
                                                                     expected):
    with translation.override("fr"):
        assert render(template, d=value) == expected


def test_other_languages_keep_their_own_format():
    with translation.override("en"):
        assert render("{{ d|date }}", d=dt.date(2027, 1, 1)) == "Jan. 1, 2027"


def test_python_code_and_iso_text_get_the_ordinal_too():
    with translation.override("fr"):
        assert format_date(dt.date(2027, 6, 1)) == "1er juin 2027"
        assert render("{% load datasud_web %}{{ d|iso_date }}", d="2027-09-01") == (
            "1er septembre 2027")
        assert render("{% load datasud_web %}{{ d|iso_date }}", d="bientôt") == "bientôt"


def test_a_dataset_page_shows_its_temporal_coverage_in_french(client, make_dataset):
    dataset = make_dataset(temporal_start=dt.date(2020, 1, 1),
                           temporal_end=dt.date(2020, 12, 31))
    html = client.get(reverse("catalog:dataset", args=[dataset.slug])).content.decode()
    assert "du 1er janvier 2020 au 31 décembre 2020" in html
