"""The questions of a call's application form, as a small JSON description, and the check
of the answers against it (a service concern: the API and the pages share it).

    {"fields": [{"name": "projet", "label": "Intitulé du projet", "type": "text",
                 "required": true, "max_length": 200},
                {"name": "themes", "label": "Thèmes", "type": "multichoice",
                 "choices": ["Web marketing", "Cybersécurité"]}]}
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

QUESTION_TYPES = {"text", "textarea", "integer", "choice", "multichoice", "boolean"}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_MAX_LENGTH = {"text": 300, "textarea": 5000}


class AnswerError(ValueError):
    """An answer does not fit its question; `field` names the question."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_form_definition(form: dict) -> None:
    """Raise ValueError when `form` is not a valid description of questions."""
    if form in (None, {}):
        return
    if not isinstance(form, dict) or not isinstance(form.get("fields"), list):
        raise ValueError(_("Le formulaire doit être un objet {\"fields\": [...]}."))
    names = set()
    for question in form["fields"]:
        if not isinstance(question, dict):
            raise ValueError(_("Chaque question est un objet."))
        name, kind = question.get("name"), question.get("type")
        if not isinstance(name, str) or not NAME.match(name) or name in names:
            raise ValueError(_("Nom de question invalide ou répété : %s.") % name)
        names.add(name)
        if kind not in QUESTION_TYPES:
            raise ValueError(_("Type de question inconnu : %s.") % kind)
        if kind in {"choice", "multichoice"} and not (
                isinstance(question.get("choices"), list) and question["choices"]):
            raise ValueError(_("La question %s doit avoir des choix.") % name)


def clean_answers(questions: list[dict], answers: dict) -> dict:
    """The answers kept for `questions` (unknown keys dropped), typed; raises AnswerError
    on the first answer that does not fit."""
    if not isinstance(answers, dict):
        raise AnswerError("answers", _("Les réponses doivent être un objet."))
    cleaned: dict = {}
    for question in questions:
        name, kind = question["name"], question["type"]
        label = question.get("label", name)
        value = answers.get(name)
        empty = value is None or value == "" or value == []
        if empty:
            if question.get("required") and kind != "boolean":
                raise AnswerError(name, _("« %s » est obligatoire.") % label)
            continue
        if kind in {"text", "textarea"}:
            if not isinstance(value, str):
                raise AnswerError(name, _("« %s » doit être un texte.") % label)
            limit = question.get("max_length", DEFAULT_MAX_LENGTH[kind])
            if len(value) > limit:
                raise AnswerError(name, _("« %(label)s » dépasse %(n)d caractères.")
                                  % {"label": label, "n": limit})
            cleaned[name] = value.strip()
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise AnswerError(name, _("« %s » doit être un nombre entier.") % label)
            try:
                number = int(value)
            except ValueError:
                raise AnswerError(name, _("« %s » doit être un nombre entier.") % label) \
                    from None
            if number < 0 or number > 10**9:
                raise AnswerError(name, _("« %s » doit être un nombre positif.") % label)
            cleaned[name] = number
        elif kind == "choice":
            if value not in question["choices"]:
                raise AnswerError(name, _("Choix invalide pour « %s ».") % label)
            cleaned[name] = value
        elif kind == "multichoice":
            values = value if isinstance(value, list) else [value]
            if any(v not in question["choices"] for v in values):
                raise AnswerError(name, _("Choix invalide pour « %s ».") % label)
            cleaned[name] = [c for c in question["choices"] if c in values]
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise AnswerError(name, _("« %s » doit être vrai ou faux.") % label)
            cleaned[name] = value
    for question in questions:
        if question["type"] == "boolean" and question.get("required") \
                and cleaned.get(question["name"]) is not True:
            raise AnswerError(question["name"],
                              _("« %s » doit être coché.") % question.get("label"))
    return cleaned
