"""Sign in and out, "my account" (organisations, requests, reuses) and API tokens."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from datasud.catalog.models import Dataset, Reuse

from ..forms import THROTTLED, LoginForm, TokenForm
from ..models import ApiToken, Membership, MembershipRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        # Too many failures is "Too Many Requests", so that scripts see it too.
        status = 429 if form.has_error("__all__", THROTTLED) else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


class LogoutView(auth_views.LogoutView):
    """POST only, as Django 5 requires: the button of the header posts here."""


def _account_page(request: HttpRequest, form: TokenForm, new_token: str = "",
                  status: int = 200) -> HttpResponse:
    user = request.user
    memberships = (Membership.objects.filter(user=user).select_related("organisation")
                   .order_by("organisation__name"))
    return render(request, "accounts/account.html", {
        "memberships": memberships,
        "editable_count": Dataset.objects.editable_by(user).count(),
        "reuses": Reuse.objects.filter(owner=user).order_by("-created_at"),
        "requests": MembershipRequest.objects.filter(
            user=user, status=MembershipRequest.Status.PENDING).select_related("organisation"),
        "tokens": ApiToken.objects.filter(user=user).select_related("organisation"),
        "form": form,
        "new_token": new_token,
        "now": timezone.now(),
        "organisations_url": reverse("catalog:organisations"),
    }, status=status)


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, TokenForm(user=request.user))


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its secret once, in this response only: it is never stored
    (only its hash is) and the page is not cached."""
    form = TokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    _token, raw = ApiToken.issue(request.user, form.cleaned_data["name"],
                                 scopes=form.cleaned_data["scopes"],
                                 organisation=form.cleaned_data["organisation"])
    return _account_page(request, TokenForm(user=request.user), new_token=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Le jeton « %(name)s » a été révoqué : il ne permet plus "
                                "d'utiliser l'API.") % {"name": token.name})
    return redirect("accounts:account")
