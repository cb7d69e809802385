"""Forms of the public diagnostic wizard, and the wizard's state read from the query string.

The wizard keeps its state in the address (GET forms): a result can be shared or bookmarked
and nothing is kept on the server between steps. Only syntax is checked here; whether a code
exists is the engine's answer (`EngineError`), shown next to the field it concerns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# Bounds on what the address may carry: a skills list longer than any fiche's is garbage.
MAX_SKILLS = 200
MAX_CODE = 20
MAX_COMMUNE = 100  # a commune's name, postcode or INSEE code
SKILL_CODE = re.compile(r"^\d{1,10}$")


def _code(value: str | None) -> str:
    return (value or "").strip().upper()[:MAX_CODE]


@dataclass
class WizardState:
    """What the person chose so far: job and skill codes, and where they are (a commune's
    name, postcode or INSEE code, as typed)."""

    actuel: str = ""
    cible: str = ""
    competences: list[str] = field(default_factory=list)
    commune: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> WizardState:
        skills = []
        for value in query.getlist("competences")[:MAX_SKILLS * 2]:
            value = value.strip()
            if value and value not in skills:
                skills.append(value[:MAX_CODE])
        return cls(actuel=_code(query.get("actuel")), cible=_code(query.get("cible")),
                   competences=skills[:MAX_SKILLS],
                   commune=" ".join((query.get("commune") or "").split())[:MAX_COMMUNE])

    def query(self, **changes) -> str:
        """The query string of this state (with some parts changed), for links and forms."""
        data = QueryDict(mutable=True)
        values = {"actuel": self.actuel, "cible": self.cible,
                  "competences": self.competences, "commune": self.commune, **changes}
        for name, value in values.items():
            if isinstance(value, list | tuple):
                data.setlist(name, list(value))
            elif value:
                data[name] = value
        return data.urlencode()

    def payload(self) -> dict:
        """What a saved diagnostic stores: the job codes and ticked skills, nothing else
        (not even the commune, which would say where the person lives)."""
        return {"actuel": self.actuel, "cible": self.cible,
                "competences": sorted(self.competences)}

    @classmethod
    def from_payload(cls, payload: dict) -> WizardState:
        return cls(actuel=_code(payload.get("actuel")), cible=_code(payload.get("cible")),
                   competences=[str(c) for c in payload.get("competences", [])][:MAX_SKILLS])


class JobSearchForm(forms.Form):
    """Step 1 and 2: a job in one's own words, or its ROME code for who knows it."""

    q = forms.CharField(required=False, max_length=200, strip=True,
                        label=_("Le métier, en quelques mots"),
                        help_text=_("Par exemple « caissière », « aide-soignant de nuit », "
                                    "« dev web ». Les accents et le féminin sont compris."))
    code = forms.CharField(required=False, max_length=MAX_CODE, strip=True,
                           label=_("Ou son code ROME, si vous le connaissez"),
                           help_text=_("Une lettre et quatre chiffres, par exemple D1505."))

    def __init__(self, *args, prefix_label: str = "", suggest_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_label:
            self.fields["q"].label = prefix_label
        self.fields["q"].widget.attrs.update(autocomplete="off", spellcheck="false")
        if suggest_url:  # wizard.js offers type-ahead from there
            self.fields["q"].widget.attrs["data-suggest"] = suggest_url
        self.fields["code"].widget.attrs.update(autocomplete="off", size=8)


def choice_form(name: str, legend: str, choices: list[tuple[str, str]]) -> forms.Form:
    """A list of jobs to pick one from (radio buttons in a fieldset with its legend)."""
    form = forms.Form(auto_id="id_%s")
    form.fields[name] = forms.ChoiceField(label=legend, choices=choices,
                                          widget=forms.RadioSelect)
    form.fields[name].initial = choices[0][0] if choices else None
    return form


class SaveForm(forms.Form):
    """Saving a diagnostic: only with the person's explicit consent (box left unticked)."""

    consentement = forms.BooleanField(
        required=True,
        label=_("J'accepte que DataSud conserve les codes de ce diagnostic pendant 12 mois "
                "derrière un lien secret."),
        help_text=_("Sont conservés : les codes ROME du métier actuel et du métier visé, les "
                    "codes des compétences cochées et la date. Ni nom, ni adresse e-mail, ni "
                    "commune, ni adresse IP. Vous pourrez le supprimer à tout moment."),
        error_messages={"required": _("Cochez cette case pour enregistrer le diagnostic : "
                                      "sans votre accord, rien n'est conservé.")},
    )
