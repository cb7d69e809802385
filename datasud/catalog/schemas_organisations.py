"""What the organisations API reads and writes: organisations and their members."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from datasud.api import Page, PageParams

from .models import Organisation
from .schemas import OrganisationRef, TerritoryRef, absolute, check_url, page_url
from .validators import SIREN_INVALID, normalise_siren, siren_is_valid

OrganisationType = Literal[tuple(Organisation.Type.values)]  # type: ignore[valid-type]


class OrganisationOut(OrganisationRef):
    acronym: str = ""
    type: OrganisationType
    description: str = ""
    website: str = ""
    siren: str = ""
    territory: TerritoryRef | None = None
    partner: bool = Field(description="Convention de partenariat signée avec la Région")
    partnership_signed_on: dt.date | None = None
    datasets_count: int = Field(0, description="Jeux de données publics / public datasets")
    logo_url: str | None = None
    page_url: str | None = None
    created_at: dt.datetime
    modified_at: dt.datetime

    @staticmethod
    def resolve_partner(obj: Organisation) -> bool:
        return obj.is_partner

    @staticmethod
    def resolve_logo_url(obj: Organisation, context) -> str | None:
        return absolute(context, obj.logo.url if obj.logo else None)

    @staticmethod
    def resolve_page_url(obj: Organisation, context) -> str | None:
        return page_url(obj, context)


SIREN_DESCRIPTION = ("Les 9 chiffres du répertoire SIRENE, clé de contrôle comprise (espaces "
                     "et points ignorés). The 9 digits of the SIRENE number, check digit "
                     "included.")


def check_siren(value: str) -> str:
    siren = normalise_siren(value)
    if siren and not siren_is_valid(siren):
        raise ValueError(str(SIREN_INVALID))
    return siren


class OrganisationPage(Page[OrganisationOut]):
    pass


class OrganisationFilters(PageParams):
    q: str = Field("", max_length=200, description="Dans le nom ou le sigle")
    partner: bool | None = None
    type: list[OrganisationType] = []


class OrganisationIn(Schema):
    name: str = Field(min_length=1, max_length=255, examples=["Ville de Digne-les-Bains"])
    slug: str = Field("", max_length=250)
    acronym: str = Field("", max_length=64)
    type: OrganisationType = Organisation.Type.AUTRE.value
    siren: str = Field("", max_length=20, description=SIREN_DESCRIPTION,
                       examples=["210400701"])
    description: str = ""
    website: str = Field("", max_length=200)
    territory: str | None = Field(None, examples=["commune:04070"])
    partnership_signed_on: dt.date | None = Field(None, description="Équipe DataSud seulement")

    check_website = field_validator("website")(check_url)
    check_siren = field_validator("siren")(check_siren)


class OrganisationPatch(Schema):
    name: str = Field(None, min_length=1, max_length=255)
    acronym: str = Field(None, max_length=64)
    type: OrganisationType = None
    siren: str = Field(None, max_length=20, description=SIREN_DESCRIPTION)
    description: str = None
    website: str = Field(None, max_length=200)
    territory: str | None = None
    partnership_signed_on: dt.date | None = Field(None, description="Équipe DataSud seulement")

    check_website = field_validator("website")(check_url)
    check_siren = field_validator("siren")(check_siren)


class MemberOut(Schema):
    username: str
    full_name: str
    role: str = Field(examples=["editor"])
    created_at: dt.datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.get_full_name()


class MemberPage(Page[MemberOut]):
    pass


class MemberIn(Schema):
    user: str = Field(description="Nom d'utilisateur ou adresse électronique",
                      examples=["camille"])
    role: str = Field("editor", pattern="^(admin|editor)$")


class MemberRoleIn(Schema):
    role: str = Field(pattern="^(admin|editor)$", examples=["admin"])
