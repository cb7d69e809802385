"""Sign-up with e-mail confirmation.

A new account is inactive until its owner follows the link sent to their address (and
confirms with a button: mail scanners that open links must not activate accounts). The
link is signed, works once, and expires after `ACTIVATION_DAYS`.

Nobody learns from these pages whether an address has an account: signing up with a
known address makes no account and sends the address's owner an e-mail instead.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .emails import deliver
from .errors import AccountError

ACTIVATION_DAYS = 2


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, with their own key and lifetime. The hash covers
    `is_active` and `last_login` (through Django's), so activating the account, or signing
    in once, spends the link."""

    key_salt = "datasud.accounts.signup.ActivationTokenGenerator"
    max_age = dt.timedelta(days=ACTIVATION_DAYS)

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= self.max_age.total_seconds()


activation_tokens = ActivationTokenGenerator()


def is_pending(user) -> bool:
    """Signed up, never confirmed (an account disabled by the team has signed in before)."""
    return not user.is_active and user.last_login is None


def activation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:signup_confirm", args=[uid, activation_tokens.make_token(user)])


def send_activation(user) -> None:
    """E-mail the confirmation link; `MailError` if it cannot be sent."""
    deliver("signup_confirm", {"user": user, "path": activation_path(user),
                               "days": ACTIVATION_DAYS}, [user.email])


@transaction.atomic
def sign_up(*, username: str, email: str, password: str, first_name: str = "",
            last_name: str = ""):
    """Register an inactive account and send its confirmation link; returns the user.

    If an account already has this address, none is created (None is returned) and the
    address gets the link again (unconfirmed account) or a reminder that it has an account.
    A `MailError` rolls the new account back, so that the person can simply try again.
    """
    users = get_user_model().objects
    existing = users.filter(email__iexact=email).order_by("id").first()
    if existing is not None:
        if is_pending(existing):
            send_activation(existing)
        else:
            deliver("signup_existing", {"user": existing}, [existing.email])
        return None
    user = users.model(username=username, email=email, first_name=first_name,
                       last_name=last_name, is_active=False)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same username, taken a moment ago
        raise AccountError("Ce nom d'utilisateur est déjà pris.", "username") from error
    send_activation(user)
    return user


def resend_activation(email: str) -> None:
    """Send the link again to an unconfirmed account of this address; nothing otherwise
    (the page says the same either way)."""
    users = get_user_model().objects.filter(email__iexact=email, is_active=False,
                                            last_login__isnull=True)
    for user in users.order_by("id")[:1]:
        send_activation(user)


def pending_user(uidb64: str, token: str):
    """The unconfirmed account the link was made for, or None (unknown, already
    confirmed, tampered with or expired)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not is_pending(user) or not activation_tokens.check_token(user, token):
        return None
    return user


def activate(user) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
