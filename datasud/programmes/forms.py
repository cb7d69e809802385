"""Forms of the programme pages: an application built from the call's questions, a status
move, an activity report, the directory filters. They only parse; the rules are in
`services.py` and `questions.py`, which give the same answers to the API."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Call


def application_form_class(call: Call, organisations) -> type[forms.Form]:
    """A form with the organisation to apply for, then one field per question of `call`."""
    fields: dict[str, forms.Field] = {
        "organisation": forms.ModelChoiceField(
            organisations, label=_("Organisation candidate"), empty_label=None,
            help_text=_("Vous candidatez au nom d'une organisation dont vous êtes membre.")),
    }
    for question in call.questions:
        name, kind = question["name"], question["type"]
        common = {"label": question.get("label", name), "required":
                  bool(question.get("required")), "help_text": question.get("help", "")}
        if kind == "text":
            field = forms.CharField(max_length=question.get("max_length", 300), **common)
        elif kind == "textarea":
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}),
                                    max_length=question.get("max_length", 5000), **common)
        elif kind == "integer":
            field = forms.IntegerField(min_value=0, **common)
        elif kind == "choice":
            field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in
                                                             question["choices"]], **common)
        elif kind == "multichoice":
            field = forms.MultipleChoiceField(choices=[(c, c) for c in question["choices"]],
                                              widget=forms.CheckboxSelectMultiple, **common)
        else:
            field = forms.BooleanField(**common)
        fields[f"q_{name}"] = field
    return type("ApplicationForm", (forms.Form,), fields)


def answers_of(form: forms.Form) -> dict:
    return {name[2:]: value for name, value in form.cleaned_data.items()
            if name.startswith("q_")}


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nouveau statut"), choices=())
    comment = forms.CharField(label=_("Commentaire (visible du candidat)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(choices)


class AssignForm(forms.Form):
    consultant = forms.ModelChoiceField(None, label=_("Consultant"), required=False,
                                        empty_label=_("— aucun —"))

    def __init__(self, *args, consultants=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants


class StepForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Titre"), max_length=200,
                            help_text=_("Visible de l'entreprise accompagnée, avec la date."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Visibles de l'équipe de la Région et du consultant "
                                        "seulement."))


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Année"))
    # No min_value here: the service refuses negative numbers with its own message, the
    # same on the page and in the API.
    business_owners = forms.IntegerField(label=_("Chefs d'entreprise accompagnés"))
    job_seekers = forms.IntegerField(label=_("Demandeurs d'emploi accompagnés"))
    citizens = forms.IntegerField(label=_("Citoyens accompagnés"))


class PlaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou commune"), required=False, max_length=100)
    departement = forms.ChoiceField(label=_("Département"), required=False, choices=())
    service = forms.ChoiceField(label=_("Service proposé"), required=False, choices=())

    def __init__(self, *args, departements=(), services=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", _("Tous"))] + list(departements)
        self.fields["service"].choices = [("", _("Tous"))] + [(s, s) for s in services]
