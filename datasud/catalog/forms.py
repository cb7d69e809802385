"""Forms of the producer pages. They parse and check input; the services of
`catalog/services.py` do the work, check permissions and keep the history."""
from __future__ import annotations

import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from datasud.territories.models import Territory

from .models import Dataset, Licence, Organisation, Reuse, Theme
from .validators import SIREN_INVALID, normalise_siren, siren_is_valid

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# An INSEE commune code, alone or in brackets after the name: "13055", "Marseille (13055)".
_COMMUNE_CODE = re.compile(r"(?:^|\()\s*(\d[\dAB]\d{3})\s*\)?$", re.IGNORECASE)


def split_list(text: str) -> list[str]:
    """Items of a list typed by a person: separated by commas, semicolons or new lines."""
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


class TerritoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        if obj.level == Territory.Level.DEPARTEMENT:
            return f"{obj.name} ({obj.code})"
        return obj.name


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return obj.localized_name()  # in the page's language, when rendered


class DatasetForm(forms.Form):
    """A dataset's metadata; `organisation` offers only those the user may publish for."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label=_("Organisation productrice"))
    title = forms.CharField(label=_("Titre"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ce que contiennent les données, leur origine, leurs limites. Mise en "
                    "forme Markdown : **gras**, listes, [liens](https://…)."),
    )
    themes = ThemeChoiceField(queryset=Theme.objects.all(), required=False,
                              widget=forms.CheckboxSelectMultiple, label=_("Thèmes"))
    tags = forms.CharField(label=_("Mots-clés"), required=False,
                           help_text=_("Séparés par des virgules, par exemple : vélo, "
                                       "aménagement cyclable."))
    licence = forms.ModelChoiceField(queryset=Licence.objects.all(), required=False,
                                     label=_("Licence"), empty_label=_("— Non précisée —"))
    frequency = forms.ChoiceField(choices=Dataset.Frequency.choices,
                                  label=_("Fréquence de mise à jour"))
    temporal_start = forms.DateField(label=_("Début de la période couverte"), required=False,
                                     widget=DATE_WIDGET)
    temporal_end = forms.DateField(label=_("Fin de la période couverte"), required=False,
                                   widget=DATE_WIDGET)
    departements = TerritoryChoiceField(
        queryset=Territory.objects.filter(
            level__in=[Territory.Level.REGION, Territory.Level.DEPARTEMENT]
        ).order_by("-level", "code"),
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Région et départements"),
    )
    epci = TerritoryChoiceField(
        queryset=Territory.objects.filter(level=Territory.Level.EPCI).order_by("name"),
        required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Intercommunalités (EPCI)"),
    )
    communes = forms.CharField(
        label=_("Communes"), required=False,
        help_text=_("Noms ou codes INSEE séparés par des virgules, par exemple : Marseille, "
                    "04070. Pour un nom porté par plusieurs communes, donnez le code."),
    )
    contact_name = forms.CharField(label=_("Point de contact"), max_length=200, required=False,
                                   help_text=_("Un service plutôt qu'une personne, par exemple "
                                               "« Service SIG »."))
    contact_email = forms.EmailField(label=_("Courriel de contact"), required=False)
    status = forms.ChoiceField(choices=Dataset.Status.choices, widget=forms.RadioSelect,
                               label=_("Statut"), initial=Dataset.Status.DRAFT)
    private = forms.BooleanField(
        label=_("Privé : visible seulement des membres de l'organisation et de l'équipe "
                "DataSud"), required=False,
    )

    def __init__(self, *args, user, dataset: Dataset | None = None, **kwargs):
        if dataset is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(dataset)
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.publishable_by(user)
        self.fields["organisation"].queryset = organisations
        if not self.initial.get("organisation"):
            # Most producers belong to one organisation: no need to make them choose it.
            only = list(organisations.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial["organisation"] = only[0]

    @staticmethod
    def initial_for(dataset: Dataset) -> dict:
        territories = list(dataset.territories.all())
        by_level = {level: [t for t in territories if t.level == level]
                    for level in Territory.Level.values}
        return {
            "organisation": dataset.organisation_id, "title": dataset.title,
            "description": dataset.description, "themes": list(dataset.themes.all()),
            "tags": ", ".join(dataset.tags.values_list("name", flat=True)),
            "licence": dataset.licence_id, "frequency": dataset.frequency,
            "temporal_start": dataset.temporal_start, "temporal_end": dataset.temporal_end,
            "departements": by_level[Territory.Level.REGION]
            + by_level[Territory.Level.DEPARTEMENT],
            "epci": by_level[Territory.Level.EPCI],
            "communes": ", ".join(f"{t.name} ({t.code})"
                                  for t in by_level[Territory.Level.COMMUNE]),
            "contact_name": dataset.contact_name, "contact_email": dataset.contact_email,
            "status": dataset.status, "private": dataset.private,
        }

    def clean_communes(self) -> list[Territory]:
        found, unknown, ambiguous = [], [], []
        communes = Territory.objects.filter(level=Territory.Level.COMMUNE)
        for item in split_list(self.cleaned_data.get("communes", "")):
            match = _COMMUNE_CODE.search(item)
            if match:
                candidates = list(communes.filter(code=match.group(1).upper())[:2])
            else:
                candidates = list(communes.filter(name__iexact=item)[:2])
            if not candidates:
                unknown.append(item)
            elif len(candidates) > 1:
                ambiguous.append(item)
            elif candidates[0] not in found:
                found.append(candidates[0])
        errors = []
        if unknown:
            errors.append(_("Communes introuvables dans la Région Sud : %(names)s.")
                          % {"names": ", ".join(unknown)})
        if ambiguous:
            errors.append(_("Plusieurs communes portent ce nom, donnez le code INSEE : "
                            "%(names)s.") % {"names": ", ".join(ambiguous)})
        if errors:
            raise forms.ValidationError(errors)
        return found

    def relations(self) -> dict:
        """Themes, tags and territories, as the services take them."""
        data = self.cleaned_data
        return {
            "themes": list(data["themes"]),
            "tags": split_list(data["tags"]),
            "territories": [*data["departements"], *data["epci"], *data["communes"]],
        }

    def dataset_fields(self) -> dict:
        """The dataset's own fields (organisation apart), as the services take them."""
        data = self.cleaned_data
        names = ["title", "description", "licence", "frequency", "temporal_start",
                 "temporal_end", "contact_name", "contact_email", "status", "private"]
        return {name: data[name] for name in names}


class ResourceForm(forms.Form):
    """A new resource: an uploaded file or the address of a remote one."""

    file = forms.FileField(label=_("Fichier"), required=False,
                           help_text=_("Taille maximale : %(size)s."))
    url = forms.URLField(label=_("Ou adresse (URL) d'un fichier ou d'un service distant"),
                         required=False, max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("Titre"), max_length=300, required=False,
                            help_text=_("Par défaut, le nom du fichier ou l'adresse."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    format = forms.CharField(label=_("Format"), max_length=40, required=False,
                             help_text=_("Détecté automatiquement s'il est laissé vide "
                                         "(csv, geojson, xlsx…)."))

    def __init__(self, *args, max_size: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_size}


class ResourceEditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    format = forms.CharField(label=_("Format"), max_length=40, required=False)
    url = forms.URLField(label=_("Adresse (URL)"), max_length=1000, assume_scheme="https")

    def __init__(self, *args, resource, **kwargs):
        kwargs.setdefault("initial", {"title": resource.title, "description":
                                      resource.description, "format": resource.format,
                                      "url": resource.url})
        super().__init__(*args, **kwargs)
        if resource.kind != resource.Kind.URL:
            # An uploaded file has no address to change: replace it with a new resource.
            del self.fields["url"]


class ReuseForm(forms.Form):
    """A reuse; its datasets are chosen among search results, kept across searches."""

    title = forms.CharField(label=_("Titre"), max_length=300)
    url = forms.URLField(label=_("Adresse (URL)"), max_length=1000, assume_scheme="https")
    type = forms.ChoiceField(label=_("Type"), choices=Reuse.Type.choices)
    author_name = forms.CharField(label=_("Auteur"), max_length=200, required=False,
                                  help_text=_("Tel qu'il sera affiché : une personne, une "
                                              "entreprise, une rédaction…"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Au nom de l'organisation"),
        empty_label=_("— À titre personnel —"),
    )
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    image = forms.ImageField(label=_("Image (capture d'écran, logo…)"), required=False)
    datasets = forms.MultipleChoiceField(label=_("Jeux de données choisis"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    dataset_search = forms.CharField(label=_("Chercher un jeu de données à ajouter"),
                                     required=False, max_length=200)

    def __init__(self, *args, user, dataset_choices: list[Dataset], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.publishable_by(user)
        self.fields["datasets"].choices = [(d.slug, f"{d.title} — {d.organisation.name}")
                                           for d in dataset_choices]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "image"):  # a new upload, not the current file
            check_image(image)
        return image

    def reuse_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("title", "url", "type", "author_name",
                                                "organisation", "description")}
        if data.get("image"):
            fields["image"] = data["image"]
        return fields


# --- Organisations and reuse editing ------------------------------------------------------

# Logos and reuse images: raster formats browsers show everywhere. No SVG, which can carry
# scripts.
IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
IMAGE_MAX_SIZE = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 5000


def check_image(image) -> None:
    """Refuse an uploaded image (already read by Django's ImageField) that is too big, too
    large or of a format pages should not show."""
    if image.size > IMAGE_MAX_SIZE:
        raise forms.ValidationError(
            _("L'image pèse %(size)s Mo ; 2 Mo au plus."),
            code="too_big", params={"size": f"{image.size / 1024 / 1024:.1f}"})
    picture = getattr(image, "image", None)  # set by ImageField, which opened it
    if picture is None or picture.format not in IMAGE_FORMATS:
        raise forms.ValidationError(_("Formats acceptés : PNG, JPEG, WebP ou GIF."),
                                    code="format")
    if max(picture.size) > IMAGE_MAX_SIDE:
        raise forms.ValidationError(_("L'image dépasse %(side)s pixels de côté."),
                                    code="too_large", params={"side": IMAGE_MAX_SIDE})


class OrganisationForm(forms.Form):
    """An organisation's public card; the partnership date only for the DataSud team."""

    name = forms.CharField(label=_("Nom"), max_length=255)
    acronym = forms.CharField(label=_("Sigle"), max_length=64, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=Organisation.Type.choices,
                             initial=Organisation.Type.AUTRE)
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ses missions, les données qu'elle produit. Mise en forme Markdown : "
                    "**gras**, listes, [liens](https://…)."),
    )
    website = forms.URLField(label=_("Site web"), required=False, max_length=200,
                             assume_scheme="https")
    siren = forms.CharField(label=_("SIREN"), required=False, max_length=20,
                            help_text=_("Les 9 chiffres du répertoire SIRENE de l'Insee."))
    logo = forms.ImageField(label=_("Logo"), required=False,
                            help_text=_("PNG, JPEG, WebP ou GIF, 2 Mo au plus."))
    partnership_signed_on = forms.DateField(
        label=_("Convention de partenariat signée le"), required=False, widget=DATE_WIDGET,
        help_text=_("Vide s'il n'y a pas de convention avec la Région."),
    )

    def __init__(self, *args, user, organisation: Organisation | None = None, **kwargs):
        if organisation is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(organisation, name) for name in
                                 ("name", "acronym", "type", "description", "website", "siren",
                                  "logo", "partnership_signed_on")}
        super().__init__(*args, **kwargs)
        if not user.is_staff:
            del self.fields["partnership_signed_on"]

    def clean_siren(self) -> str:
        siren = normalise_siren(self.cleaned_data["siren"])
        if siren and not siren_is_valid(siren):
            raise forms.ValidationError(SIREN_INVALID, code="invalid")
        return siren

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "image"):  # a new upload, not the current file
            check_image(logo)
        return logo

    def organisation_fields(self) -> dict:
        """The fields as `catalog/organisations.py` takes them: the logo only when it
        changes ("" when cleared)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("name", "acronym", "type", "description",
                                                "website", "siren") if name in data}
        if "partnership_signed_on" in self.fields:
            fields["partnership_signed_on"] = data["partnership_signed_on"]
        if data.get("logo") is False:
            fields["logo"] = ""
        elif data.get("logo") and hasattr(data["logo"], "image"):
            fields["logo"] = data["logo"]
        return fields


class ReuseEditForm(ReuseForm):
    """The form of `ReuseForm` for an existing reuse: it may also be unpublished, and its
    organisation stays a choice even if its author has left it."""

    published = forms.BooleanField(
        label=_("Publiée : visible de tous (sinon, de vous et de l'équipe DataSud seulement)"),
        required=False,
    )

    def __init__(self, *args, user, reuse: Reuse, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(
            models.Q(pk__in=field.queryset.values("pk")) | models.Q(pk=reuse.organisation_id))

    @staticmethod
    def initial_for(reuse: Reuse) -> dict:
        return {"title": reuse.title, "url": reuse.url, "type": reuse.type,
                "author_name": reuse.author_name, "organisation": reuse.organisation_id,
                "description": reuse.description, "image": reuse.image,
                "published": reuse.published}

    def reuse_fields(self) -> dict:
        fields = super().reuse_fields()
        fields["published"] = self.cleaned_data["published"]
        image = self.cleaned_data.get("image")
        if image is False:  # "Effacer" ticked
            fields["image"] = ""
        elif not hasattr(image, "image"):  # the current image, unchanged
            fields.pop("image", None)
        return fields
