"""Descriptions are Markdown rendered to sanitised HTML: no script, no event handler."""
import re

from django.urls import reverse

from datasud.catalog.markdown import markdown_excerpt, render_markdown

HOSTILE = """# Titre

Du **gras**, un [lien](https://example.org) et un [piège](javascript:alert(1)).

<script>alert("xss")</script>
<img src="x.png" onerror="alert('xss')">
<a href="https://example.org" onclick="steal()">clic</a>
<style>body { display: none }</style>
<iframe src="https://evil.example"></iframe>
"""


def test_render_markdown_keeps_formatting_and_drops_the_dangerous_parts():
    html = render_markdown(HOSTILE)
    assert "<strong>gras</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">lien</a>' in html
    assert "<h3>Titre</h3>" in html  # headings sit under the page's h1 and h2
    for forbidden in ("<script", "alert(\"xss\")", "onerror", "onclick", "javascript:",
                      "<style", "display: none", "<iframe"):
        assert forbidden not in html, forbidden


def test_excerpt_is_plain_text():
    assert markdown_excerpt("Un **texte** <b>gras</b> [lien](https://x.org)", 100) == \
        "Un texte gras lien"
    assert len(markdown_excerpt("mot " * 200, 50)) <= 50
    assert render_markdown("") == "" and markdown_excerpt(None) == ""


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_hostile_description_never_reaches_the_pages(client, make_dataset, organisation):
    dataset = make_dataset("Jeu piégé", description=HOSTILE)
    organisation.description = HOSTILE
    organisation.save()
    for url in (dataset.get_absolute_url(), organisation.get_absolute_url(),
                reverse("catalog:search"), reverse("web:home")):
        html = client.get(url).content.decode()
        # The schema.org JSON-LD carries the text as data: it may quote the words, never
        # a tag (every "<" is escaped), and a browser never runs it.
        for data in JSON_LD.findall(html):
            assert "<" not in data, url
        html = JSON_LD.sub("", html)
        assert "<script>alert" not in html, url
        assert "onerror=" not in html, url
        assert "onclick=" not in html, url
        assert "javascript:alert" not in html, url
    html = client.get(dataset.get_absolute_url()).content.decode()
    assert "<strong>gras</strong>" in html
