"""The registry of CKAN actions: name -> function(context, data) and whether it only reads
(CKAN's `side_effect_free`: callable with GET and query-string parameters)."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..context import Context
from ..errors import NotFound
from ..params import required_str
from . import catalog, datastore, search, write


@dataclass(frozen=True)
class Action:
    function: Callable[[Context, dict], Any]
    side_effect_free: bool


def help_show(ctx: Context, data: dict) -> str:
    """The documentation of the action `name`."""
    name = required_str(data, "name")
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound(_("action « %(n)s » inconnue.") % {"n": name})
    return inspect.getdoc(action.function) or ""


_READS = [catalog.status_show, catalog.site_read, catalog.package_list, catalog.package_show,
          catalog.resource_show, catalog.organization_list, catalog.organization_show,
          catalog.group_list, catalog.group_show, catalog.tag_list, catalog.license_list,
          search.package_search, datastore.datastore_search, datastore.datastore_search_sql,
          help_show]
_WRITES = [write.package_create, write.package_update, write.package_patch,
           write.resource_create, write.resource_patch]

ACTIONS: dict[str, Action] = {
    **{f.__name__: Action(f, side_effect_free=True) for f in _READS},
    **{f.__name__: Action(f, side_effect_free=False) for f in _WRITES},
}
