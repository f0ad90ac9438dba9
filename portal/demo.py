"""A fictional CPTS, loaded on request only, so a newcomer sees a living portal.

Everything loaded here is marked: the `demo` setting makes every page show a banner.
Each module adds its own demo content as a step of `load`.
"""

from __future__ import annotations

from . import auth, passwords
from .db import Store, set_setting
from .errors import PortalError
from .roles import ADMIN, BUREAU, COORDINATOR, MEMBER, Actor

CPTS_NAME = "CPTS du Giennois (démonstration)"
PASSWORD = "demo-cpts-gien-2026"
USERS = (
    ("demo.admin", "Claire Martin", (ADMIN,)),
    ("demo.bureau", "Dr Paul Bernard", (BUREAU, MEMBER)),
    ("demo.bureau2", "Sophie Moreau", (BUREAU, MEMBER)),
    ("demo.coordination", "Julie Lefèvre", (COORDINATOR,)),
    ("demo.coordination2", "Thomas Girard", (COORDINATOR,)),
    ("demo.membre", "Dr Hélène Roux", (MEMBER,)),
    ("demo.membre2", "Marc Fontaine", (MEMBER,)),
    ("demo.membre3", "Léa Dubois", (MEMBER,)),
)
ACTOR = Actor("demo", frozenset({ADMIN}))


def is_loaded(store: Store) -> bool:
    return store.get_setting("demo") == "1"


def accounts() -> list[dict]:
    """The demo accounts, as the first-run screen and the CLI print them."""
    return [{"username": u, "name": n, "roles": list(r), "password": PASSWORD}
            for u, n, r in USERS]


def load(store: Store, rounds: int) -> list[dict]:
    """Load the demo CPTS into an empty portal; refused once it is in use."""
    if is_loaded(store):
        raise PortalError("La CPTS de démonstration est déjà chargée.")
    taken = store.scalar(
        f"SELECT COUNT(*) FROM users WHERE username IN ({', '.join('?' for _ in USERS)})",
        [u for u, _, _ in USERS])
    if taken:
        raise PortalError("Des comptes de démonstration existent déjà dans ce portail.")
    password_hash = passwords.hash_password(PASSWORD, rounds)
    with store.write(ACTOR) as tx:
        for username, name, roles in USERS:
            auth.insert_user(tx, username, name, f"{username}@example.org",
                              password_hash, list(roles), False)
        set_setting(tx, "cpts_name", CPTS_NAME)
        set_setting(tx, "demo", "1")
        tx.audit("demo", None, "load", after={"accounts": len(USERS)})
    return accounts()
