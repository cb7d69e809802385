"""The matrix keeps up with the platform: every address and CKAN action that shows or
changes a dataset, a resource, an organisation's members or a token is either a surface of
the matrix (`surfaces.py`, `writes.py`) or listed below with the reason it is not.

When a new app lands (programmes, OGC API Features, tiles...), its URL names are unknown to
both lists and this test fails, naming them: register a probe for each (see README.md).
"""
from django.urls import URLPattern, URLResolver, get_resolver

from datasud.ckan.actions import ACTIONS

from .surfaces import READ_SURFACES
from .writes import WRITE_ACTIONS

# Namespaces whose addresses hold nothing of a dataset's (the admin is staff-only by
# Django's own checks; i18n only switches the language).
OUTSIDE = {"admin"}
NOT_SURFACES = {
    "catalog:organisations": "organisations are public; lists no dataset",
    "catalog:organisation_create": "staff only (create_organisation), no dataset",
    "catalog:organisation_members": "test_member_lists_are_for_administrators",
    "catalog:reuse_create": "reuses: not an object of the matrix (tests/web/test_reuses)",
    "catalog:reuses": "reuses: not an object of the matrix",
    "catalog:reuse": "reuses: not an object of the matrix",
    "catalog:reuse_edit": "reuses: not an object of the matrix",
    "catalog:reuse_delete": "reuses: not an object of the matrix",
    "api-1:reuses": "reuses: not an object of the matrix",
    "api-1:create_reuse": "reuses: not an object of the matrix",
    "api-1:reuse": "reuses: not an object of the matrix",
    "api-1:update_reuse": "reuses: not an object of the matrix",
    "api-1:delete_reuse": "reuses: not an object of the matrix",
    "api-1:organisations": "organisations are public; counts public datasets only",
    "api-1:organisation": "organisations are public; counts public datasets only",
    "api-1:create_organisation_view": "staff only (create_organisation), no dataset",
    "api-1:list_members": "test_member_lists_are_for_administrators",
    "api-1:get_validation": "same lookup (access.visible_resource) as "
                            "api-1:get_declared_schema; needs a loaded validation report",
    "api-1:get_me": "test_tokens.py",
    "api-1:list_tokens": "test_tokens.py (one's own tokens only)",
    "api-1:revoke_token": "test_tokens.py::test_revoking_is_for_the_owner_only",
    "accounts:token_revoke": "test_tokens.py::test_revoking_is_for_the_owner_only",
    "territories:index": "counts public datasets only (Dataset.objects.public())",
    "ckan:status_show": "no dataset", "ckan:site_read": "no dataset",
    "ckan:license_list": "no dataset", "ckan:help_show": "no dataset",
    # The public diagnostic wizard reads only the public employment referentials; a saved
    # diagnostic is reached by its secret link alone (tests/employment/test_wizard.py).
    "employment:wizard": "public ROME referentials only, no dataset",
    "employment:target": "public ROME referentials only, no dataset",
    "employment:skills": "public ROME referentials only, no dataset",
    "employment:result": "public ROME referentials only, no dataset",
    "employment:suggestions": "public ROME appellations only (type-ahead), no dataset",
    "employment:save": "stores codes only, behind a secret link (test_wizard.py)",
    "employment:saved": "secret-link diagnostic, no dataset (test_wizard.py)",
    "employment:saved_delete": "secret-link diagnostic, no dataset (test_wizard.py)",
    "employment:deleted": "a confirmation message, no dataset",
    **{f"programmes:{name}": "public counts and places, no dataset (tests/programmes)"
       for name in ("index", "key_figures", "programme", "places", "places_export",
                    "place")},
    **{f"api-1:{name}": "public counts and places, no dataset (tests/programmes)"
       for name in ("programmes", "programme", "programme_places", "programme_place")},
    "programmes:place_report": "activity counts of a place: its organisation and staff "
                               "(services.can_report), tests/programmes",
    "api-1:report_place_activity": "as programmes:place_report",
    "quality:index": "lists the user's own organisations (publishable_by) and their average "
                     "scores, no dataset (tests/quality/test_dashboard.py)",
    "api-1:suggestions": "metadata suggestions from the posted text only: reads no dataset, "
                         "stores nothing (tests/intelligence)",
    "programmes:events": "lists events, no dataset",
    "programmes:event": "datasets and reuses through visible_to(user) "
                        "(tests/programmes/test_events.py)",
    **{f"api-1:{name}": "public datasets and published reuses only "
                        "(tests/programmes/test_events.py)"
       for name in ("programme_events", "programme_event")},
}
# Addresses without any dataset, member or token in them.
NEUTRAL = {
    "web": set(), "dcat": {"robots", "opensearch"},
    "api-1": {"index", "openapi-json", "openapi-view", "api-root", "api-not-found", "themes",
              "licences", "territories", "territory",
              # /api/1/employment/: the public ROME repository and its diagnostics.
              "search", "fiche", "mobilities", "diagnostic"},
    "ckan": {"version", "action"},
    "accounts": {"account", "login", "logout", "signup", "signup_done", "signup_resend",
                 "signup_confirm", "password_change", "password_reset", "password_reset_done",
                 "password_reset_confirm", "password_reset_complete", "account_delete"},
    "territories": set(), "catalog": set(), "datastore": set(),
    # The tiling scheme of OGC API Tiles is a fixed definition, no dataset.
    "geo": {"landing", "conformance", "tile_matrix_sets", "tile_matrix_set"},
    # The basemap: the région's territories (public reference data), no dataset.
    "tiles": {"basemap_style", "territory_tilejson", "territory_tile"},
}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern.name


def _covered() -> set[str]:
    names = set()
    for entry in [*READ_SURFACES.values(), *WRITE_ACTIONS.values()]:
        names.update(entry.covers)
    return names


def test_every_address_is_in_the_matrix_or_says_why_not():
    covered = _covered() | set(NOT_SURFACES)
    missing = []
    for namespace, name in _url_names(get_resolver().url_patterns):
        if namespace in OUTSIDE or namespace is None:
            continue
        if name in NEUTRAL.get(namespace, set()):
            continue
        if f"{namespace}:{name}" not in covered:
            missing.append(f"{namespace}:{name}")
    assert not missing, (
        "Addresses neither in the trust matrix nor explained in tests/trust/test_registry.py "
        f"(add a surface in surfaces.py or writes.py): {sorted(missing)}")


def test_every_ckan_action_is_in_the_matrix_or_says_why_not():
    covered = _covered() | set(NOT_SURFACES)
    missing = sorted(f"ckan:{name}" for name in ACTIONS if f"ckan:{name}" not in covered)
    assert not missing, f"CKAN actions missing from the trust matrix: {missing}"


def test_the_registries_name_only_what_exists():
    """A typo in `covers` would hide a missing surface: every name must exist."""
    known = {f"{ns}:{name}" for ns, name in _url_names(get_resolver().url_patterns) if ns}
    known |= {f"ckan:{name}" for name in ACTIONS}
    stale = sorted((_covered() | set(NOT_SURFACES)) - known)
    assert not stale, f"names in tests/trust that the platform does not have: {stale}"
