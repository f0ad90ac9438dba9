"""A fictional CPTS, loaded on request only, so a newcomer sees a living portal.

Each domain's content is one small loader (directory, missions, meetings, questionnaires,
care) that calls the domain's services as the pages do, as the demo's administrator: the
demo passes the same checks as what a user types and leaves the same audit trail. It is
built on a private copy of the database that takes the portal's place in one step, so a
failure leaves the portal as it was. The `demo` setting makes every page show a banner.
"""

from __future__ import annotations

from ...accounts import passwords, users
from ...core.db import Store, set_setting
from ...core.errors import PortalError
from ...core.roles import ADMIN, BUREAU, COORDINATOR, MEMBER, TREASURER, Actor
from ...directory import territory
from . import association, care, directory, meetings, missions, questionnaires

CPTS_NAME = "CPTS du Giennois (démonstration)"
PASSWORD = passwords.PUBLISHED
# (username, name, roles, holds a directory record): the bureau's and the members'
# accounts are tied to their card, so they see the meetings they are invited to.
USERS = (
    ("demo.admin", "Claire Martin", (ADMIN,), False),
    ("demo.bureau", "Dr Paul Bernard", (BUREAU, MEMBER), True),
    ("demo.bureau2", "Sophie Moreau", (BUREAU, MEMBER, TREASURER), True),
    ("demo.coordination", "Julie Lefèvre", (COORDINATOR,), False),
    ("demo.coordination2", "Thomas Girard", (COORDINATOR,), False),
    ("demo.membre", "Dr Hélène Roux", (MEMBER,), True),
    ("demo.membre2", "Marc Fontaine", (MEMBER,), True),
    ("demo.membre3", "Léa Dubois", (MEMBER,), True),
)
ACTOR = Actor("demo", frozenset({ADMIN}))


def is_loaded(store: Store) -> bool:
    return store.get_setting("demo") == "1"


def accounts() -> list[dict]:
    """The demo accounts, as the first-run screen and the CLI print them."""
    return [{"username": u, "name": n, "roles": list(r), "password": PASSWORD}
            for u, n, r, _ in USERS]


def load(store: Store, rounds: int) -> list[dict]:
    """Load the demo CPTS into an empty portal; refused once it is in use."""
    if is_loaded(store):
        raise PortalError("La CPTS de démonstration est déjà chargée.")
    if any(users.get_user(store, username) for username, *_ in USERS):
        raise PortalError("Des comptes de démonstration existent déjà dans ce portail.")
    with store.staged(ACTOR) as draft:
        _accounts(draft, rounds)
        territory.set_name(draft, ACTOR, CPTS_NAME)
        holders = [(username, name) for username, name, _, holds in USERS if holds]
        cast = directory.load(draft, ACTOR, holders)
        for username, person_id in cast.holders.items():
            users.link_person(draft, ACTOR, users.get_user(draft, username)["id"], person_id)
        association.load(draft, ACTOR, cast)  # the members the AG invites
        actions = missions.load(draft, ACTOR, cast)
        meetings.load(draft, ACTOR, cast, actions)
        missions.load_pathways(draft, ACTOR, cast, actions)  # with the meetings held
        missions.load_support(draft, ACTOR, cast)
        missions.load_crisis_plan(draft, ACTOR, cast)
        questionnaires.load(draft, ACTOR, cast, CPTS_NAME)
        care.load(draft, ACTOR, cast)
        association.indemnify(draft, ACTOR, cast)  # from the meetings attended, the slots held
        association.fund(draft, ACTOR)  # after the indicators the variable parts name
        with draft.write(ACTOR) as tx:
            set_setting(tx, "demo", "1")
            tx.audit("demo", None, "load", after={"accounts": len(USERS),
                                                  "people": len(cast.people)})
    return accounts()


def _accounts(store: Store, rounds: int) -> None:
    """The demo's accounts, all with the published password and no change asked."""
    password_hash = passwords.hash_password(PASSWORD, rounds)
    with store.write(ACTOR) as tx:
        for username, name, roles, _ in USERS:
            users.insert_user(tx, username, name, f"{username}@example.org", password_hash,
                              list(roles), False)
