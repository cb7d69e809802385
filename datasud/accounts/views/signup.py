"""Sign-up pages: the form, "check your inbox", the confirmation link, sending it again."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import signup, throttle
from ..emails import MailError
from ..errors import AccountError
from ..forms import EmailForm, SignupForm

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_EMAIL = "datasud_signup_email"


def mail_refused(form: forms.Form) -> None:
    form.add_error(None, _("Trop de demandes d'envoi de courriel depuis votre connexion ou "
                           "vers cette adresse. Réessayez dans une heure."))


def mail_failed(form: forms.Form) -> None:
    form.add_error(None, _("Le courriel n'a pas pu être envoyé. Réessayez dans quelques "
                           "minutes ; si le problème persiste, contactez l'équipe DataSud."))


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def signup_form(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignupForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not throttle.allow_mail(request, data["email"]):
                mail_refused(form)
                status = 429
            else:
                try:
                    signup.sign_up(username=data["username"], email=data["email"],
                                   password=data["password1"], first_name=data["first_name"],
                                   last_name=data["last_name"])
                except AccountError as error:
                    form.add_error(error.field if error.field in form.fields else None,
                                   str(error))
                except MailError:
                    mail_failed(form)
                    status = 503
                else:
                    request.session[SESSION_EMAIL] = data["email"]
                    return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html", {
        "email": request.session.get(SESSION_EMAIL, ""),
        "days": signup.ACTIVATION_DAYS,
    })


@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button, POST activates: a mail scanner opening the link changes nothing."""
    user = signup.pending_user(uidb64, token)
    if user is None:
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        signup.activate(user)
        login(request, user, backend=MODEL_BACKEND)
        request.session.pop(SESSION_EMAIL, None)
        messages.success(request, _("Votre adresse est confirmée : bienvenue sur DataSud ! "
                                    "Pour publier au nom de votre organisation, demandez à la "
                                    "rejoindre depuis sa page."))
        return redirect("accounts:account")
    return render(request, "accounts/signup_confirm.html", {"valid": True, "account": user})


def signup_resend(request: HttpRequest) -> HttpResponse:
    form = EmailForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not throttle.allow_mail(request, email):
                mail_refused(form)
                status = 429
            else:
                try:
                    signup.resend_activation(email)
                except MailError:
                    mail_failed(form)
                    status = 503
                else:
                    request.session[SESSION_EMAIL] = email
                    return redirect("accounts:signup_done")
    return render(request, "accounts/signup_resend.html", {"form": form}, status=status)
