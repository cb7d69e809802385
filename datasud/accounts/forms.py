"""Forms of the account pages."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with French labels and the browser's autofill hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["password"].label = _("Mot de passe")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100,
        help_text=_("Pour le reconnaître, par exemple « script de mise à jour des horaires »."),
    )
