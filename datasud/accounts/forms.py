"""Forms of the account pages and of the organisation members pages."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from . import throttle
from .membership_requests import MESSAGE_MAX_LENGTH
from .models import Membership
from .scopes import SCOPE_LABELS, SCOPES

THROTTLED = "throttled"


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with French labels, the browser's autofill hints, and a limit
    on failed attempts per typed identifier and per IP address (see `throttle.py`)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        THROTTLED: _("Trop de tentatives de connexion infructueuses. Par sécurité, la "
                     "connexion est suspendue pendant %(minutes)s minutes. Vous pouvez aussi "
                     "réinitialiser votre mot de passe."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["password"].label = _("Mot de passe")

    def clean(self):
        identifier = throttle.normalise_identifier(self.data.get("username", ""))
        ip = throttle.client_ip(self.request) if self.request else ""
        limits = [(throttle.LOGIN_PER_ACCOUNT, identifier), (throttle.LOGIN_PER_IP, ip)]
        # Checked before the password, so that a blocked guesser learns nothing more, and
        # counted for any identifier, so that the answer never tells if an account exists.
        if any(throttle.is_exceeded(limit, subject) for limit, subject in limits):
            raise forms.ValidationError(
                self.error_messages[THROTTLED], code=THROTTLED,
                params={"minutes": throttle.LOGIN_PER_ACCOUNT.minutes})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for limit, subject in limits:
                throttle.record(limit, subject)
            raise
        throttle.reset(throttle.LOGIN_PER_ACCOUNT, identifier)
        return cleaned


class TokenForm(forms.Form):
    """A new token: its name, its scopes (all by default: what tokens could always do) and
    optionally the one organisation it acts for (`scopes.py`)."""

    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100,
        help_text=_("Pour le reconnaître, par exemple « script de mise à jour des horaires »."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Ce que le jeton permet"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(scope, SCOPE_LABELS[scope]) for scope in SCOPES], initial=list(SCOPES),
        help_text=_("Sans une portée, le jeton lit comme un visiteur anonyme ce qu'elle "
                    "couvre, et sans « écriture » il ne modifie rien."))
    organisation = forms.ModelChoiceField(
        label=_("Limité à l'organisation"), required=False, queryset=Membership.objects.none(),
        empty_label=_("Toutes mes organisations"),
        help_text=_("Le jeton n'agit alors qu'au nom de cette organisation, sans les droits "
                    "de l'équipe de la Région."))
    #: Sent by the page's form, so that unticking every scope is an error there; a client
    #: posting the name alone gets the default, every scope.
    scopes_shown = forms.BooleanField(required=False, widget=forms.HiddenInput, initial=True)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from datasud.catalog.models import Organisation

        self.fields["organisation"].queryset = (
            Organisation.objects.filter(memberships__user=user).order_by("name")
            if user is not None else Organisation.objects.none())

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data.get("scopes") or []
        if not scopes:
            if self.data.get("scopes_shown"):
                raise forms.ValidationError(_("Choisissez au moins une portée."))
            return list(SCOPES)
        return scopes


class SignupForm(UserCreationForm):
    """Username, e-mail and an optional name: the only personal data an account holds."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["username"].label = _("Identifiant")
        fields["username"].help_text = _("Pour vous connecter ; lettres, chiffres et @ . + - _ "
                                         "(150 caractères au plus).")
        fields["email"].label = _("Adresse électronique")
        fields["email"].required = True
        fields["email"].help_text = _("Nous y envoyons un lien pour confirmer votre "
                                      "inscription. Elle n'est jamais publiée.")
        fields["email"].widget.attrs.update(autocomplete="email")
        fields["first_name"].label = _("Prénom (facultatif)")
        fields["first_name"].widget.attrs.update(autocomplete="given-name")
        fields["last_name"].label = _("Nom (facultatif)")
        fields["last_name"].widget.attrs.update(autocomplete="family-name")
        fields["password1"].label = _("Mot de passe")
        fields["password2"].label = _("Mot de passe (confirmation)")

    def clean_email(self) -> str:
        return get_user_model().objects.normalize_email(self.cleaned_data["email"].strip())


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class AccountDeletionForm(forms.Form):
    """Asks for the password again: a session left open is not enough to delete."""

    password = forms.CharField(label=_("Votre mot de passe, pour confirmer"), strip=False,
                               widget=forms.PasswordInput(
                                   attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."), code="password_incorrect")
        return password


ROLE_HELP = _("Un administrateur gère l'organisation et ses membres ; un éditeur publie et "
              "modifie ses jeux de données.")


class MemberAddForm(forms.Form):
    user = forms.CharField(label=_("Identifiant ou adresse électronique"), max_length=254,
                           help_text=_("La personne doit déjà avoir un compte DataSud."))
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices,
                             initial=Membership.Role.EDITOR, help_text=ROLE_HELP)

    def clean_user(self):
        typed = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        member = (users.filter(username=typed).first()
                  or users.filter(email__iexact=typed).order_by("id").first())
        if member is None:
            raise forms.ValidationError(_("Aucun compte actif ne correspond à « %(user)s »."),
                                        code="unknown", params={"user": typed})
        return member


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux administrateurs (facultatif)"), required=False,
        max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Votre service, votre fonction, ce que vous souhaitez publier…"),
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Motif (facultatif, envoyé à la personne)"),
                             required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
