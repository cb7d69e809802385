"""The quality report of a dataset in API v1: `GET /api/1/datasets/{slug}/qualite/`.

Whoever sees the dataset (`visible_to`) reads its score and which criteria are met; the
advice is for its producers (`editable_by`: members of the organisation, staff), as on
the page.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from datasud.api import PUBLIC, error_responses, get_or_404
from datasud.catalog.api import DATASET_NOT_FOUND
from datasud.catalog.models import Dataset

from .services import report_for

router = Router(tags=["Jeux de données / Datasets"])


class CriterionOut(Schema):
    code: str = Field(examples=["description"])
    label: str = Field(examples=["Description complète et lisible"])
    weight: int = Field(description="Points sur 100 / points out of 100", examples=[15])
    applies: bool = Field(description="Le critère s'applique à ce jeu / applies")
    fraction: float | None = Field(
        None, description="Part atteinte, de 0 à 1 (null s'il ne s'applique pas)", examples=[0.5]
    )
    passed: bool
    advice: str = Field(
        "",
        description="Conseil en français, pour les producteurs du jeu seulement (vide sinon) "
        "/ advice, for the dataset's producers only",
    )


class QualityOut(Schema):
    slug: str
    score: int = Field(ge=0, le=100, examples=[72])
    advice_visible: bool = Field(
        description="Vous êtes producteur du jeu : les conseils sont donnés / you may edit it"
    )
    criteria: list[CriterionOut]


@router.get(
    "/{slug}/qualite/",
    response={200: QualityOut, **error_responses(404)},
    **PUBLIC,
    url_name="dataset_quality",
    summary="Qualité des métadonnées d'un jeu / Metadata quality of a dataset",
    description="Score de 0 à 100 et critères (docs/qualite.md) ; les conseils sont réservés "
    "aux producteurs du jeu. Score and criteria; advice for the dataset's producers only.",
)
def dataset_quality(request: HttpRequest, slug: str):
    dataset = get_or_404(Dataset.objects.visible_to(request.auth), DATASET_NOT_FOUND, slug=slug)
    producer = Dataset.objects.editable_by(request.auth).filter(pk=dataset.pk).exists()
    report = report_for(dataset)
    return {
        "slug": dataset.slug,
        "score": report.score,
        "advice_visible": producer,
        "criteria": [
            {
                "code": check.code,
                "label": check.label,
                "weight": check.weight,
                "applies": check.applies,
                "fraction": check.fraction,
                "passed": check.passed,
                "advice": check.advice if producer else "",
            }
            for check in report.checks
        ],
    }
