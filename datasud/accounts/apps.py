from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "datasud.accounts"
    label = "accounts"
