"""The errors a user can cause, carrying a French message the page shows as it is."""


class PortalError(Exception):
    """A rule was broken; `message` is French and safe to show, `field` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(PortalError):
    """The acting user's roles do not allow this operation."""


class DatabaseUnusable(PortalError):
    """The database file cannot be trusted: the portal stops rather than touch it."""
