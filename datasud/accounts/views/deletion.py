"""Deleting one's own account: what goes and what stays, then a confirmation by password."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..deletion import delete_account, deletion_plan
from ..errors import AccountError
from ..forms import AccountDeletionForm


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeletionForm(request.POST if request.method == "POST" else None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                delete_account(user)
            except AccountError as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                messages.success(request, _("Votre compte a été supprimé. Merci d'avoir "
                                            "utilisé DataSud."))
                return redirect("web:home")
    return render(request, "accounts/account_delete.html", {
        "form": form, "plan": deletion_plan(user),
    }, status=status)
