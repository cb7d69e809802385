"""The `date` filter of every template (a builtin in `settings.TEMPLATES`, so it replaces
Django's without a `{% load %}`): Django's, with « 1er » for the first day of a month in
French (`datasud/web/dates.py`)."""
from django import template
from django.template.defaultfilters import date as django_date

from datasud.web.dates import french_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, ""):
        return ""
    return django_date(value, french_format(arg, value))
