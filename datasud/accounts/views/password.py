"""Password reset (forgotten password) and change: Django's views, with French pages,
links built on the platform's public address, and limits on the e-mails sent."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .. import throttle
from ..emails import notify
from .signup import mail_refused


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether the address has an account or not (Django's behaviour)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttle.allow_mail(self.request, form.cleaned_data["email"]):
            mail_refused(form)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # The link is built on SITE_URL, not on the Host header a client may forge.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends a sign-in block due to someone else's guesses.
        for identifier in (self.user.get_username(), self.user.email):
            throttle.reset(throttle.LOGIN_PER_ACCOUNT, throttle.normalise_identifier(identifier))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Signed-in users only (Django's view requires it); the session stays open."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        # If someone else did it, the owner learns it and can reset the password.
        notify("password_changed", {"user": user}, [user.email])
        messages.success(self.request, _("Votre mot de passe a été changé."))
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
