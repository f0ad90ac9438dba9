"""Logging in: password checks with lockout and even timing, the login cookies'
revocation, and what streamlit-authenticator is handed.

streamlit-authenticator draws the login form and sets the cookie; everything it leaves
open is decided here, without Streamlit:
- lockout: 5 failures within 15 minutes lock the account for 15 minutes, then it
  unlocks by itself; an admin can unlock at once;
- timing: an unknown username costs one bcrypt check too, so it cannot be told apart
  from a wrong password by the time the answer takes;
- revocation: a cookie issued before `tokens_valid_after_epoch` (logout, password change,
  deactivation, reset) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from ..core import roles
from ..core.db import Store
from ..core.roles import ADMIN, Actor
from ..core.transactions import iso, now
from . import passwords
from .users import get_user, load_user, normalize_username

LOCK_AFTER_FAILURES = 5


FAILURE_WINDOW = timedelta(minutes=15)


LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    # success, failure, unknown, locked, inactive: logged, never shown as such to the user.
    outcome: str


def credentials(store: Store) -> dict:
    """The {"usernames": {...}} dict streamlit-authenticator expects, for active users.

    No password hash is handed over: passwords are checked by `verify_login`.
    """
    rows = store.query(
        "SELECT u.username, u.name, u.email, group_concat(r.role) AS roles"
        " FROM users u LEFT JOIN user_roles r ON r.user_id = u.id"
        " WHERE u.active = 1 GROUP BY u.id"
    )
    return {"usernames": {
        r["username"]: {"name": r["name"], "email": r["email"],
                        "roles": (r["roles"] or "").split(",") if r["roles"] else []}
        for r in rows
    }}


def recent_login_attempts(store: Store, limit: int = 50) -> pd.DataFrame:
    return store.frame(
        "SELECT at, username, outcome FROM login_attempts ORDER BY id DESC LIMIT ?", (limit,))


def token_valid(store: Store, username: str, issued_at_epoch: float) -> bool:
    """Is a login cookie issued at `issued_at_epoch` for `username` still acceptable?"""
    user = store.query_one(
        "SELECT active, tokens_valid_after_epoch FROM users WHERE username = ?",
        (normalize_username(username),))
    return bool(user and user["active"] and issued_at_epoch >= user["tokens_valid_after_epoch"])


def _failures_since(tx, username: str, start: str) -> int:
    return tx.one(
        "SELECT COUNT(*) AS n FROM login_attempts"
        " WHERE username = ? AND outcome = 'failure' AND at > ?", (username, start))["n"]


def _window_start(tx, user: dict, at: datetime) -> str:
    """Failures count from the latest of: 15 minutes ago, last success, unlock, lock end."""
    last_reset = tx.one(
        "SELECT MAX(at) AS at FROM login_attempts"
        " WHERE username = ? AND outcome IN ('success', 'unlock')", (user["username"],))["at"]
    return max(iso(at - FAILURE_WINDOW), last_reset or "", user["locked_until"] or "")


def verify_login(store: Store, username: str, password: str, rounds: int,
                 at: datetime | None = None) -> LoginResult:
    """Check a login attempt, log it, and lock the account after repeated failures.

    Always performs exactly one bcrypt check, whatever the outcome. The outcome is then
    decided and counted in one write transaction: parallel attempts queue there, so the
    lock set by one is seen by the next, and a right password arriving after the lock
    is refused like any other."""
    at = at or now()
    username = normalize_username(username)[:64]
    stored = store.scalar("SELECT password_hash FROM users WHERE username = ?", (username,))
    password_ok = passwords.check_password(password or "",
                                           stored or passwords.dummy_hash(rounds))
    actor = Actor(username or "?", frozenset())
    # A refused attempt changes nothing but the attempts log, unless it locks the account.
    with store.write(actor, require_audit=False) as tx:
        user = tx.one("SELECT * FROM users WHERE username = ?", (username,))
        if user is None:
            outcome = "unknown"
        elif not user["active"]:
            outcome = "inactive"
        elif user["locked_until"] and user["locked_until"] > iso(at):
            outcome = "locked"
        else:  # a password changed meanwhile was checked against the old hash: refused
            outcome = "success" if password_ok and user["password_hash"] == stored \
                else "failure"
        if outcome == "failure":
            failures = _failures_since(tx, username, _window_start(tx, user, at)) + 1
            if failures >= LOCK_AFTER_FAILURES:
                tx.update("users", user["id"], {"locked_until": iso(at + LOCK_DURATION)},
                          entity="user", action="lock")
        if outcome == "success":
            tx.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (iso(at), user["id"]))
            tx.audit("user", user["id"], "login")
        tx.execute("INSERT INTO login_attempts (at, username, outcome) VALUES (?, ?, ?)",
                   (iso(at), username if user else masked(username), outcome))
    return LoginResult(ok=outcome == "success", outcome=outcome)


def masked(typed: str) -> str:
    """What the attempts log keeps of an identifier that is nobody's: its first two
    characters and its length. It is often a password typed in the wrong field, and the
    administrators read this log."""
    return f"{typed[:2]}… ({len(typed)} caractères)"


def is_locked(store: Store, username: str, at: datetime | None = None) -> bool:
    locked_until = store.scalar("SELECT locked_until FROM users WHERE username = ?",
                                (normalize_username(username),))
    return bool(locked_until and locked_until > iso(at or now()))


def unlock(store: Store, actor: Actor, user_id: int) -> None:
    """Lift a lock now; earlier failures no longer count towards the next one."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        user = load_user(tx, user_id)
        tx.execute("UPDATE users SET locked_until = NULL WHERE id = ?", (user_id,))
        tx.execute("INSERT INTO login_attempts (at, username, outcome) VALUES (?, ?, 'unlock')",
                   (iso(now()), user["username"]))
        tx.audit("user", user_id, "unlock", before={"locked_until": user["locked_until"]},
                 after={"locked_until": None})


def revoke_tokens(store: Store, actor: Actor) -> None:
    """Logout: every login cookie of the actor issued until now stops working."""
    user = get_user(store, actor.username)
    if user is None:
        return
    with store.write(actor) as tx:
        tx.update("users", user["id"], {"tokens_valid_after_epoch": now().timestamp()},
                  entity="user", action="logout")
