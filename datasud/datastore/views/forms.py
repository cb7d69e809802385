"""Forms of the resource page."""
from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_SCHEMA_CHARS = 2 * 1024 * 1024


class SchemaForm(forms.Form):
    schema = forms.CharField(
        label=gettext_lazy("Schéma (JSON)"), required=False, max_length=MAX_SCHEMA_CHARS,
        strip=True, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false",
                                                 "class": "code-input"}),
        help_text=gettext_lazy("Collez un Table Schema (Frictionless) : un objet JSON avec "
                               "une liste « fields »."))
    url = forms.URLField(
        label=gettext_lazy("Ou l'adresse du schéma"), required=False, max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy("Par exemple celle d'un schéma de schema.data.gouv.fr "
                               "(fichier schema.json)."))

    def clean_schema(self):
        text = self.cleaned_data["schema"]
        if not text:
            return None
        try:
            descriptor = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Ce n'est pas du JSON valide (ligne %(line)s, colonne %(column)s : "
                  "%(message)s).") % {"line": exc.lineno, "column": exc.colno,
                                      "message": exc.msg}) from exc
        if not isinstance(descriptor, dict):
            raise forms.ValidationError(_("Le schéma doit être un objet JSON ({…})."))
        return descriptor

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("schema") is None and not data.get("url"):
            raise forms.ValidationError(_("Collez le schéma ou donnez son adresse."))
        if data.get("schema") is not None and data.get("url"):
            raise forms.ValidationError(_("Collez le schéma ou donnez son adresse, pas les "
                                          "deux."))
        return data
