"""What an action knows of its request: who calls, and how to write absolute addresses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass
class Context:
    request: HttpRequest
    #: The token's owner, the signed-in user of a read, or AnonymousUser.
    user: Any
    #: True when the user comes from an API token (writes need one).
    by_token: bool = False

    def absolute(self, path: str | None) -> str | None:
        if not path:
            return None
        return self.request.build_absolute_uri(path)

    def action_url(self, name: str) -> str:
        """The relative address of an action, under the API prefix this request used."""
        prefix = self.request.path.rsplit("/action/", 1)[0]
        return f"{prefix}/action/{name}"
