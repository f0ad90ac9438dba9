"""Accounts: users and roles, login checks with lockout, and login-cookie revocation.

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

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from ..core import roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import ADMIN, Actor
from ..core.transactions import Transaction, iso, now
from . import passwords

LOCK_AFTER_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    # success, failure, unknown, locked, inactive: logged, never shown as such to the user.
    outcome: str


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def _check_identity(username: str, name: str, email: str) -> tuple[str, str, str]:
    username = normalize_username(username)
    if not USERNAME.match(username):
        raise PortalError(
            "L'identifiant doit faire 3 à 32 caractères : lettres minuscules sans accent, "
            "chiffres, point, tiret ou tiret bas (ex. : marie.martin).", field="username")
    name = (name or "").strip()
    if not name:
        raise PortalError("Indiquez le nom et le prénom.", field="name")
    email = validation.email(email)
    if email is None:
        raise PortalError("Indiquez une adresse e-mail.", field="email")
    return username, name, email


def _check_roles(codes) -> list[str]:
    codes = [c for c in roles.ROLES if c in set(codes)]
    if not codes:
        raise PortalError("Choisissez au moins un rôle.", field="roles")
    return codes


def temporary_password() -> str:
    """A random password an admin passes on by hand: 4 groups of 4, no look-alikes."""
    chars = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


# -- reading ------------------------------------------------------------------------


def get_user(store: Store, username: str) -> dict | None:
    user = store.query_one("SELECT * FROM users WHERE username = ?",
                           (normalize_username(username),))
    if user:
        user["roles"] = user_roles(store, user["id"])
    return user


def user_roles(store: Store, user_id: int) -> list[str]:
    held = {r["role"] for r in store.query("SELECT role FROM user_roles WHERE user_id = ?",
                                           (user_id,))}
    return [c for c in roles.ROLES if c in held]


def account_counts(store: Store) -> dict[str, int]:
    """Active accounts, and those locked right now (for the administrators' home page)."""
    return store.query_one(
        "SELECT COUNT(*) FILTER (WHERE active = 1) AS active,"
        " COUNT(*) FILTER (WHERE locked_until > ?) AS locked FROM users", (iso(now()),))


def has_admin(store: Store) -> bool:
    """True once any administrator account exists: the first-run screen is gone for good."""
    return bool(store.scalar("SELECT 1 FROM user_roles WHERE role = 'admin' LIMIT 1"))


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


def list_users(store: Store, at: datetime | None = None) -> pd.DataFrame:
    """Every account with its roles, last login and lock state, for the admin page."""
    return store.frame(
        "SELECT u.id, u.username, u.name, u.email, u.active, u.must_change_password,"
        " u.last_login_at, u.created_at, u.person_id,"
        " CASE WHEN u.locked_until > :now THEN u.locked_until END AS locked_until,"
        " (SELECT group_concat(role) FROM user_roles WHERE user_id = u.id) AS roles"
        " FROM users u ORDER BY u.active DESC, u.name COLLATE NOCASE",
        {"now": iso(at or now())},
    )


def recent_login_attempts(store: Store, limit: int = 50) -> pd.DataFrame:
    return store.frame(
        "SELECT at, username, outcome FROM login_attempts ORDER BY id DESC LIMIT ?", (limit,))


def token_valid(store: Store, username: str, issued_at_epoch: float) -> bool:
    """Is a login cookie issued at `issued_at_epoch` for `username` still acceptable?"""
    user = store.query_one(
        "SELECT active, tokens_valid_after_epoch FROM users WHERE username = ?",
        (normalize_username(username),))
    return bool(user and user["active"] and issued_at_epoch >= user["tokens_valid_after_epoch"])


# -- login --------------------------------------------------------------------------


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


# -- writing ------------------------------------------------------------------------


def insert_user(tx, username, name, email, password_hash, codes, must_change) -> int:
    user_id = tx.insert("users", {
        "username": username, "name": name, "email": email,
        "password_hash": password_hash, "must_change_password": int(must_change),
        "created_at": iso(now()),
    }, entity="user")
    for code in codes:
        tx.execute("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", (user_id, code))
    tx.audit("user", user_id, "roles", after={"roles": codes})
    return user_id


def _ensure_username_free(tx, username: str) -> None:
    if tx.one("SELECT 1 AS x FROM users WHERE username = ?", (username,)):
        raise PortalError("Cet identifiant est déjà pris.", field="username")


def _own_words(store: Store, username: str, name: str, email: str) -> tuple[str, ...]:
    """The words a password must not be made of: the user's, and the CPTS's name."""
    return username, name, email, store.get_setting("cpts_name") or ""


def create_first_admin(store: Store, username: str, name: str, email: str,
                       password: str, confirm: str, rounds: int) -> int:
    """Create the first administrator; refused once any administrator exists."""
    username, name, email = _check_identity(username, name, email)
    if password != confirm:
        raise PortalError("Les deux mots de passe ne sont pas identiques.", field="confirm")
    passwords.validate(password, _own_words(store, username, name, email))
    password_hash = passwords.hash_password(password, rounds)
    with store.write(Actor(username, frozenset({ADMIN}))) as tx:
        if tx.one("SELECT 1 AS x FROM user_roles WHERE role = 'admin'"):
            raise PortalError("Un administrateur existe déjà : connectez-vous.")
        _ensure_username_free(tx, username)
        return insert_user(tx, username, name, email, password_hash, [ADMIN], False)


def create_user(store: Store, actor: Actor, username: str, name: str, email: str,
                codes, rounds: int, password: str | None = None) -> tuple[int, str]:
    """Create an account with a temporary password (given, or generated when None).

    Returns (id, temporary password). Its owner must change it at first login.
    """
    roles.require(actor, ADMIN)
    username, name, email = _check_identity(username, name, email)
    codes = _check_roles(codes)
    password = password or temporary_password()
    passwords.validate(password, _own_words(store, username, name, email))
    password_hash = passwords.hash_password(password, rounds)
    with store.write(actor) as tx:
        _ensure_username_free(tx, username)
        return insert_user(tx, username, name, email, password_hash, codes, True), password


def _load(tx, user_id: int) -> dict:
    user = tx.one("SELECT * FROM users WHERE id = ?", (user_id,))
    if user is None:
        raise PortalError("Compte introuvable.")
    return user


def _other_active_admins(tx, user_id: int) -> int:
    return tx.one(
        "SELECT COUNT(*) AS n FROM users u JOIN user_roles r ON r.user_id = u.id"
        " WHERE r.role = 'admin' AND u.active = 1 AND u.id != ?", (user_id,))["n"]


def update_profile(store: Store, actor: Actor, user_id: int, name: str, email: str) -> None:
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        _write_profile(tx, user_id, name, email)


def link_person(store: Store, actor: Actor, user_id: int, person_id: int | None) -> None:
    """Tie an account to its holder's directory record (or untie it): a member then sees
    the meetings they are invited to."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        _write_person(tx, user_id, person_id)


def set_roles(store: Store, actor: Actor, user_id: int, codes) -> None:
    """Replace a user's roles; the last active administrator keeps the admin role."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        _write_roles(tx, user_id, codes)


def save_account(store: Store, actor: Actor, user_id: int, name: str, email: str, codes,
                 person_id: int | None) -> None:
    """The account form: name, e-mail, roles and directory record, all saved or none
    (a refused role no longer leaves the new name saved)."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        _write_profile(tx, user_id, name, email)
        _write_roles(tx, user_id, codes)
        _write_person(tx, user_id, person_id)


def _write_profile(tx: Transaction, user_id: int, name: str, email: str) -> None:
    user = _load(tx, user_id)
    _, name, email = _check_identity(user["username"], name, email)
    tx.update("users", user_id, {"name": name, "email": email}, entity="user")


def _write_person(tx: Transaction, user_id: int, person_id: int | None) -> None:
    _load(tx, user_id)
    if person_id is not None:
        other = tx.one("SELECT username FROM users WHERE person_id = ? AND id != ?",
                       (person_id, user_id))
        if other:
            raise PortalError(f"Cette fiche est déjà reliée au compte {other['username']}.",
                              field="person_id")
    tx.update("users", user_id, {"person_id": person_id}, entity="user", action="person")


def _write_roles(tx: Transaction, user_id: int, codes) -> None:
    codes = _check_roles(codes)
    user = _load(tx, user_id)
    before = [r["role"] for r in tx.all(
        "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", (user_id,))]
    if ADMIN in before and ADMIN not in codes and user["active"] \
            and not _other_active_admins(tx, user_id):
        raise PortalError("Il doit rester au moins un administrateur actif.", field="roles")
    if before == codes:
        return
    tx.execute("DELETE FROM user_roles WHERE user_id = ?", (user_id,))
    for code in codes:
        tx.execute("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", (user_id, code))
    tx.audit("user", user_id, "roles", before={"roles": before}, after={"roles": codes})


def set_active(store: Store, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate (every open session and cookie is refused from now on) or reactivate."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        user = _load(tx, user_id)
        if not active:
            if user["username"] == actor.username:
                raise PortalError("Vous ne pouvez pas désactiver votre propre compte.")
            is_admin = tx.one("SELECT 1 AS x FROM user_roles WHERE user_id = ? AND role = 'admin'",
                              (user_id,))
            if is_admin and not _other_active_admins(tx, user_id):
                raise PortalError("Il doit rester au moins un administrateur actif.")
        changes = {"active": int(active)}
        if not active:
            changes["tokens_valid_after_epoch"] = now().timestamp()
        tx.update("users", user_id, changes, entity="user",
                  action="activate" if active else "deactivate")


def reset_password(store: Store, actor: Actor, user_id: int, rounds: int) -> str:
    """Give a user a new temporary password (returned, shown once) and unlock them."""
    roles.require(actor, ADMIN)
    password = temporary_password()
    password_hash = passwords.hash_password(password, rounds)
    with store.write(actor) as tx:
        _load(tx, user_id)
        tx.update("users", user_id, {
            "password_hash": password_hash, "must_change_password": 1,
            "tokens_valid_after_epoch": now().timestamp(), "locked_until": None,
        }, entity="user", action="password_reset")
    return password


def unlock(store: Store, actor: Actor, user_id: int) -> None:
    """Lift a lock now; earlier failures no longer count towards the next one."""
    roles.require(actor, ADMIN)
    with store.write(actor) as tx:
        user = _load(tx, user_id)
        tx.execute("UPDATE users SET locked_until = NULL WHERE id = ?", (user_id,))
        tx.execute("INSERT INTO login_attempts (at, username, outcome) VALUES (?, ?, 'unlock')",
                   (iso(now()), user["username"]))
        tx.audit("user", user_id, "unlock", before={"locked_until": user["locked_until"]},
                 after={"locked_until": None})


def change_password(store: Store, actor: Actor, current: str, new: str, confirm: str,
                    rounds: int) -> float:
    """The actor changes their own password; every cookie issued before is revoked.

    Returns the revocation instant (epoch), so the caller can re-issue its own cookie.
    """
    user = get_user(store, actor.username)
    if user is None or not passwords.check_password(current or "", user["password_hash"]):
        raise PortalError("Le mot de passe actuel est incorrect.", field="current")
    if new != confirm:
        raise PortalError("Les deux nouveaux mots de passe ne sont pas identiques.",
                          field="confirm")
    if new == current:
        raise PortalError("Le nouveau mot de passe doit être différent de l'actuel.",
                          field="password")
    passwords.validate(new, _own_words(store, user["username"], user["name"], user["email"]))
    password_hash = passwords.hash_password(new, rounds)
    revoked_at = now().timestamp()
    with store.write(actor) as tx:
        tx.update("users", user["id"], {
            "password_hash": password_hash, "must_change_password": 0,
            "tokens_valid_after_epoch": revoked_at,
        }, entity="user", action="password_change")
    return revoked_at


def revoke_tokens(store: Store, actor: Actor) -> None:
    """Logout: every login cookie of the actor issued until now stops working."""
    user = get_user(store, actor.username)
    if user is None:
        return
    with store.write(actor) as tx:
        tx.update("users", user["id"], {"tokens_valid_after_epoch": now().timestamp()},
                  entity="user", action="logout")
