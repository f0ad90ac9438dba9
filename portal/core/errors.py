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


class Busy(PortalError):
    """The database did not take a write in time (another long write, a restore)."""

    BUSY = ("La base de données est occupée par une autre opération : rien n'a été "
            "enregistré, et ce que vous avez saisi est toujours là. Réessayez dans quelques "
            "secondes.")
    RESTORING = ("Une restauration de sauvegarde est en cours : rien n'a été enregistré, et ce "
                 "que vous avez saisi est toujours là. Réessayez dans quelques minutes.")

    def __init__(self, message: str = BUSY):
        super().__init__(message)
