"""Accounts: users and their roles, created, edited, deactivated and given a new
password by an administrator; a user's own password change; the directory record an
account belongs to. Logging in is portal.accounts.login."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

import pandas as pd

from ..core import roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import ADMIN, Actor
from ..core.transactions import Transaction, iso, now
from . import passwords

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


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


def load_user(tx, user_id: int) -> dict:
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
    user = load_user(tx, user_id)
    _, name, email = _check_identity(user["username"], name, email)
    tx.update("users", user_id, {"name": name, "email": email}, entity="user")


def _write_person(tx: Transaction, user_id: int, person_id: int | None) -> None:
    load_user(tx, user_id)
    if person_id is not None:
        other = tx.one("SELECT username FROM users WHERE person_id = ? AND id != ?",
                       (person_id, user_id))
        if other:
            raise PortalError(f"Cette fiche est déjà reliée au compte {other['username']}.",
                              field="person_id")
    tx.update("users", user_id, {"person_id": person_id}, entity="user", action="person")


def _write_roles(tx: Transaction, user_id: int, codes) -> None:
    codes = _check_roles(codes)
    user = load_user(tx, user_id)
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
        user = load_user(tx, user_id)
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
        load_user(tx, user_id)
        tx.update("users", user_id, {
            "password_hash": password_hash, "must_change_password": 1,
            "tokens_valid_after_epoch": now().timestamp(), "locked_until": None,
        }, entity="user", action="password_reset")
    return password


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


