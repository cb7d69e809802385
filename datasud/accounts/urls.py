from django.urls import path

from .views import account, deletion, password, signup

app_name = "accounts"
urlpatterns = [
    path("", account.account, name="account"),
    path("connexion/", account.LoginView.as_view(), name="login"),
    path("deconnexion/", account.LogoutView.as_view(), name="logout"),
    path("jetons/", account.token_create, name="token_create"),
    path("jetons/<int:pk>/revoquer/", account.token_revoke, name="token_revoke"),
    path("inscription/", signup.signup_form, name="signup"),
    path("inscription/envoyee/", signup.signup_done, name="signup_done"),
    path("inscription/renvoyer/", signup.signup_resend, name="signup_resend"),
    path("inscription/confirmer/<uidb64>/<token>/", signup.signup_confirm,
         name="signup_confirm"),
    path("mot-de-passe/", password.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oublie/", password.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", password.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", password.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mot-de-passe/nouveau/enregistre/", password.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("supprimer/", deletion.account_delete, name="account_delete"),
]
