"""`datasud createadmin`: create the platform's administrator, or reset its password."""
import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_ENV = "DATASUD_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Crée un super-utilisateur (membre de l'équipe, accès à l'administration), ou change "
        "le mot de passe s'il existe déjà. Le mot de passe vient de --password, sinon de la "
        f"variable d'environnement {PASSWORD_ENV}, sinon il est demandé (terminal "
        "interactif seulement). Sans mot de passe possible, la commande échoue (code 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin",
                            help="Identifiant de l'administrateur (par défaut : admin).")
        parser.add_argument("--email", default="", help="Adresse électronique.")
        parser.add_argument(
            "--password",
            help=f"Mot de passe (préférer la variable {PASSWORD_ENV}, qui n'apparaît pas "
                 "dans l'historique du shell ni dans la liste des processus).",
        )
        parser.add_argument("--no-input", action="store_true",
                            help="Ne jamais demander le mot de passe au clavier.")

    def handle(self, *args, username, email, password, no_input, **options):
        username = (username or "").strip()
        if not username:
            raise CommandError("L'identifiant (--username) ne peut pas être vide.")
        password = password or os.environ.get(PASSWORD_ENV) or ""
        if not password:
            if no_input or not sys.stdin.isatty():
                raise CommandError(
                    f"Aucun mot de passe : donnez --password ou la variable {PASSWORD_ENV} "
                    "(pas de saisie possible hors d'un terminal interactif)."
                )
            try:
                password = self.prompt_password()
            except (KeyboardInterrupt, EOFError):
                raise CommandError("Saisie interrompue : aucun changement.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        candidate = user or User(username=username, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("Mot de passe refusé : " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            created = user is None
            if created:
                user = User(username=username)
            if email:
                user.email = email
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
        if options["verbosity"]:
            action = "créé" if created else "mis à jour (nouveau mot de passe)"
            self.stdout.write(self.style.SUCCESS(f"Administrateur « {username} » {action}."))

    def prompt_password(self) -> str:
        for _ in range(3):
            password = getpass.getpass("Mot de passe : ")
            if not password:
                self.stderr.write("Le mot de passe ne peut pas être vide.")
                continue
            if password != getpass.getpass("Mot de passe (encore) : "):
                self.stderr.write("Les deux saisies diffèrent.")
                continue
            return password
        raise CommandError("Mot de passe non saisi.")
