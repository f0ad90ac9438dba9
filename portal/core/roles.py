"""The five roles, who is acting, and the one check every writing service makes."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied

ADMIN = "admin"
BUREAU = "bureau"
COORDINATOR = "coordinator"
MEMBER = "member"
TREASURER = "treasurer"

# Reference list: code -> French label, in the order forms show them.
ROLES = {
    ADMIN: "Administrateur",
    BUREAU: "Bureau",
    COORDINATOR: "Coordination",
    MEMBER: "Membre",
    TREASURER: "Trésorerie",
}
ALL = frozenset(ROLES)
ADMINS = frozenset({ADMIN})
# Who reads the board's pages: the dashboard, the yearly report, the follow-up of
# decisions, the bodies, the questionnaires' results (members read the rest).
BOARD = frozenset({ADMIN, BUREAU, COORDINATOR})
# Who changes what: the one table the menu, the pages and the services read. The bureau
# reads everything but patients' identities, and runs its meetings (invitations,
# attendance, minutes, votes, decisions); the coordination keeps all the rest up to date.
EDIT = {
    "directory": frozenset({ADMIN, COORDINATOR}),
    "missions": frozenset({ADMIN, COORDINATOR}),        # actions, indicators, documents
    "meetings": frozenset({ADMIN, BUREAU, COORDINATOR}),
    "bodies": frozenset({ADMIN, COORDINATOR}),          # mandates, quorum rules
    "questionnaires": frozenset({ADMIN, COORDINATOR}),
    "care": frozenset({ADMIN, COORDINATOR}),            # and patients' identities
    # Memberships and fees are prepared by the coordination; payments are the treasury's.
    "association": frozenset({ADMIN, COORDINATOR, TREASURER}),
    "payments": frozenset({TREASURER}),
}


@dataclass(frozen=True)
class Actor:
    """Who performs an operation: written to the audit log, checked against roles."""

    username: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


# The command line acts as an administrator of the machine it runs on.
CLI = Actor("cli", frozenset({ADMIN}))


def require(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor holds one of `roles`: services call this before writing."""
    if not actor.has(*roles):
        raise PermissionDenied("Votre rôle ne permet pas cette opération.")


def labels(codes) -> str:
    """'Administrateur, Bureau' for display, in reference order."""
    return ", ".join(label for code, label in ROLES.items() if code in set(codes))
