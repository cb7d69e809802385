"""French messages for the validation errors of the API (pydantic's, in English by default).

The interface speaks French first, and an API client's developer reads `errors[].message`
as the platform's answer: « Champ obligatoire. » rather than « Field required ». Messages
our own validators raise (pydantic's `value_error`) are already French and kept as they
are; an error type missing from the table keeps pydantic's message (better English than
nothing).
"""
from __future__ import annotations

# pydantic error type -> French message; `{name}` fields come from the error's `ctx`.
MESSAGES = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Au moins {min_length} caractère(s).",
    "string_too_long": "Au plus {max_length} caractères.",
    "string_pattern_mismatch": "Format invalide.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "finite_number": "Un nombre fini est attendu.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "bool_parsing": "Un booléen (true ou false) est attendu.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "list_type": "Une liste est attendue.",
    "dict_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "too_short": "Au moins {min_length} élément(s).",
    "too_long": "Au plus {max_length} éléments.",
    "enum": "Valeur inconnue ; valeurs possibles : {expected}.",
    "literal_error": "Valeur inconnue ; valeurs possibles : {expected}.",
    "date_parsing": "Une date AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date AAAA-MM-JJ est attendue.",
    "date_type": "Une date AAAA-MM-JJ est attendue.",
    "datetime_parsing": "Une date et heure ISO 8601 est attendue.",
    "datetime_from_date_parsing": "Une date et heure ISO 8601 est attendue.",
    "datetime_type": "Une date et heure ISO 8601 est attendue.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "url_parsing": "Une adresse web (URL) valide est attendue.",
    "url_type": "Une adresse web (URL) valide est attendue.",
    "url_scheme": "L'adresse doit commencer par {expected_schemes}.",
    "json_invalid": "JSON invalide.",
    "json_type": "Du JSON est attendu.",
}


MISSING_BODY = "Corps de requête manquant : un objet JSON est attendu."


def message(error: dict) -> str:
    """The French message of one pydantic error (an item of `ValidationError.errors`)."""
    template = MESSAGES.get(str(error.get("type", "")))
    if template is not None:
        try:
            return template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            pass  # a context without the field: pydantic's own message below
    text = str(error.get("msg", "Valeur invalide."))
    return text.removeprefix("Value error, ")


def unreadable_body(detail: str) -> str | None:
    """A French message for Ninja's « Cannot parse request body » (a body that is not
    JSON), None for any other message."""
    if not detail.startswith("Cannot parse request body"):
        return None
    return ("Corps de requête illisible : du JSON valide est attendu "
            "(Content-Type: application/json).")
