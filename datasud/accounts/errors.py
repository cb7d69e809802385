"""The error the account services raise for input they cannot accept."""


class AccountError(ValueError):
    """Input the account services refuse; `field` names the culprit when there is one."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)
