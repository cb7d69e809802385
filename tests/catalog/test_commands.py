"""The operations commands: load_territories, load_reference, import_catalog, load_demo,
createadmin — their output, their errors and exit codes."""
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from datasud.catalog.models import Dataset, Licence, Organisation, Reuse, Theme
from datasud.territories.models import Territory

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
STRONG = "Un-mot-de-passe-solide-2026"

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_load_territories_and_reference():
    assert "946 communes" in run("load_territories")
    assert Territory.objects.count() == 1005
    assert "16 créés" in run("load_reference")
    assert Theme.objects.count() == 16 and Licence.objects.count() == 12


def test_import_catalog_prints_the_report():
    run("load_reference", verbosity=0)
    out = run("import_catalog", str(DATA / "good.csv"), "--no-reindex")
    assert "5 jeux de données créés" in out
    assert "ligne 7 : licence inconnue" in out
    assert Dataset.objects.count() == 5


def test_import_catalog_with_bad_lines_succeeds_but_says_so():
    out = run("import_catalog", str(DATA / "bad-lines.csv"))
    assert "ligne 6 : identifiant" in out
    assert "ligne 9 : 30 champs au lieu de 40" in out
    assert "6 lignes n'ont pas été importées" in out
    assert Dataset.objects.count() == 3


@pytest.mark.parametrize("name, message", [
    ("missing.csv", "Impossible de lire"),
    ("not-a-catalogue.csv", "colonnes manquantes"),
])
def test_import_catalog_errors(name, message):
    with pytest.raises(CommandError, match=message):
        run("import_catalog", str(DATA / name))


def test_import_catalog_exit_code_without_traceback(tmp_path):
    env = {**os.environ, "DATASUD_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from datasud.cli import main; main(sys.argv)",
         "import_catalog", str(DATA / "not-a-catalogue.csv")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 1
    assert "colonnes manquantes" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_catalog_help():
    from datasud.catalog.management.commands.import_catalog import Command

    parser = Command().create_parser("datasud", "import_catalog")
    text = parser.format_help()
    assert "--no-reindex" in text and "data.gouv.fr" in text


def test_load_demo_if_empty_does_nothing_when_there_are_datasets(make_dataset):
    make_dataset()
    out = run("load_demo", "--if-empty")
    assert "déjà" in out
    assert Dataset.objects.count() == 1
    assert not Territory.objects.exists()


# createadmin ------------------------------------------------------------------------------

def test_createadmin_creates_a_superuser():
    out = run("createadmin", "--email", "admin@example.org", "--password", STRONG)
    assert "créé" in out
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and user.is_superuser and user.is_active
    assert user.email == "admin@example.org" and user.check_password(STRONG)


def test_createadmin_updates_the_password_from_the_environment(monkeypatch):
    get_user_model().objects.create_user("chef", "chef@example.org", "old-password-123!")
    monkeypatch.setenv("DATASUD_ADMIN_PASSWORD", STRONG)
    assert "mis à jour" in run("createadmin", "--username", "chef")
    user = get_user_model().objects.get(username="chef")
    assert user.check_password(STRONG) and user.is_superuser
    assert user.email == "chef@example.org"
    assert get_user_model().objects.count() == 1


def test_createadmin_without_password_fails(monkeypatch):
    monkeypatch.delenv("DATASUD_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="Aucun mot de passe"):
        run("createadmin", "--no-input")
    assert not get_user_model().objects.exists()


def test_createadmin_refuses_a_weak_password():
    with pytest.raises(CommandError, match="Mot de passe refusé"):
        run("createadmin", "--password", "admin")
    assert not get_user_model().objects.exists()


def test_no_partnership_without_demo():
    run("import_catalog", str(DATA / "good.csv"), "--no-reindex", verbosity=0)
    assert not Organisation.objects.partners().exists()
    assert not Reuse.objects.exists()
