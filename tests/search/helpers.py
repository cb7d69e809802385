"""Small readers of `SearchResult` shared by the search tests."""


def titles(result) -> list[str]:
    return [d.title for d in result.datasets]


def names(result, catalogue: dict) -> set[str]:
    """The catalogue fixture's names ("velo", "bus"...) of the datasets found."""
    by_pk = {d.pk: name for name, d in catalogue.items()}
    return {by_pk.get(d.pk, d.slug) for d in result.datasets}


def counts(result, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[facet]}
