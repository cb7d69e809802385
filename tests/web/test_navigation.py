"""The main menu marks the section of every page: each page's URL name has its section."""
import re

from django.urls import reverse

from datasud.accounts import urls as account_urls
from datasud.catalog import services
from datasud.catalog import urls as catalog_urls
from datasud.datastore import urls as datastore_urls
from datasud.territories import urls as territory_urls
from datasud.web.templatetags.datasud_web import SECTION_HOMES, SECTIONS

# Not pages: they act and redirect.
NO_SECTION = {"accounts:logout", "catalog:resource_file"}  # not pages



def test_every_page_has_its_section():
    names = {f"{module.app_name}:{pattern.name}"
             for module in (catalog_urls, account_urls, territory_urls, datastore_urls)
             for pattern in module.urlpatterns if pattern.name}
    assert names - NO_SECTION - set(SECTIONS) == set()
    assert set(SECTIONS) - names == set()  # no stale names either
    assert SECTION_HOMES <= set(SECTIONS)


def current_links(html: str) -> list[tuple[str, str]]:
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)" aria-current="(\w+)">', nav)


def test_new_pages_highlight_their_section(client_for, org_admin, organisation, outsider):

    reuse = services.create_reuse(outsider, title="Carte", url="https://example.org")
    assert current_links(client_for(org_admin).get(
        reverse("catalog:organisation_edit", args=[organisation.slug])).content.decode()) \
        == [(reverse("catalog:organisations"), "true")]
    assert current_links(client_for(org_admin).get(
        reverse("catalog:organisation_members", args=[organisation.slug])).content.decode()) \
        == [(reverse("catalog:organisations"), "true")]
    assert current_links(client_for(outsider).get(
        reverse("catalog:reuse_edit", args=[reuse.slug])).content.decode()) \
        == [(reverse("catalog:reuses"), "true")]
    assert current_links(client_for(outsider).get(reverse("catalog:reuses")).content.decode()) \
        == [(reverse("catalog:reuses"), "page")]
    # The account link, shown once signed in.
    html = client_for(outsider).get(reverse("accounts:password_change")).content.decode()
    assert re.search(r'href="/compte/" aria-current="true"', html)
