"""Reading action parameters the way CKAN does: from query strings (all text), JSON bodies
(typed) or forms, with JSON-encoded lists and objects accepted wherever CKAN accepts them.

Every reader raises `ValidationError` naming the parameter, so bad input is a 409 with a
per-field message, never a 500.
"""
from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .errors import ValidationError

_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n", ""}


def missing(key: str) -> ValidationError:
    return ValidationError.on(key, _("Valeur manquante"))


def required_str(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise missing(key)
    if not isinstance(value, str | int):
        raise ValidationError.on(key, _("Une chaîne de caractères est attendue."))
    return str(value).strip()


def optional_str(data: dict, key: str, default: str = "") -> str:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError.on(key, _("Une chaîne de caractères est attendue."))
    return str(value)


def as_bool(data: dict, key: str, default: bool = False) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError.on(key, _("Valeur booléenne attendue (true ou false)."))


# Beyond any catalogue, and within what SQL's LIMIT and OFFSET accept.
LARGEST = 10**12


def as_int(data: dict, key: str, default: int, *, minimum: int = 0,
           maximum: int = LARGEST) -> int:
    """An integer ≥ `minimum`; above `maximum` it is brought down to it, as CKAN does with
    its configured maxima (rows, limit)."""
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValidationError.on(key, _("Nombre entier attendu."))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError.on(key, _("Nombre entier attendu.")) from None
    if number < minimum:
        raise ValidationError.on(key, _("Doit être un entier supérieur ou égal à %(n)s.")
                                 % {"n": minimum})
    return min(number, maximum)


def decoded(data: dict, key: str):
    """The value of `key`, JSON-decoded when it was sent as text (query strings, forms)."""
    value = data.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            raise ValidationError.on(key, _("JSON illisible.")) from None
    return value


def json_list(data: dict, key: str) -> list[str]:
    """A list of strings, given as a list or as a JSON-encoded list (`facet.field`)."""
    value = decoded(data, key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError.on(key, _("Une liste de chaînes de caractères est attendue."))
    return value


def names_list(data: dict, key: str) -> list[str]:
    """A list of names: a list, a JSON list, or a comma-separated string (`fields`, `fl`)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json_list(data, key)
        return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValidationError.on(key, _("Une liste de noms est attendue."))


def json_dict(data: dict, key: str) -> dict:
    value = decoded(data, key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError.on(key, _("Un objet JSON est attendu."))
    return value
