"""`python -m portal ...`: a thin layer of argument parsing over the services."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import click

from .accounts import login, users
from .admin import backups, demo
from .care import doctor_requests
from .core import audit, reference, roles, settings
from .core.db import Store
from .core.errors import PortalError
from .directory import rpps
from .missions import report


def _store(prepare: bool = True) -> Store:
    """The configured database, migrated and with its reference lists loaded (unless
    `prepare` is False: checking or replacing a damaged file must not write to it)."""
    store = Store(settings.load().db_path)
    if not prepare:
        return store
    try:
        store.migrate()
        reference.sync(store)
    except PortalError as error:
        _fail(error)
    return store


def _fail(error: PortalError) -> None:
    click.echo(f"Erreur : {error.message}", err=True)
    sys.exit(1)


@click.group()
def main():
    """Portail CPTS : administration en ligne de commande."""


@main.command()
def init():
    """Crée ou met à jour la base de données et génère les secrets manquants."""
    if settings.ensure_secrets():
        click.echo(f"Clé secrète des cookies générée dans {settings.load().secrets_path}")
    store = Store(settings.load().db_path)
    try:
        applied = store.migrate()
        reference.sync(store)
    except PortalError as error:
        _fail(error)
    state = f"migrations appliquées : {applied}" if applied else "schéma à jour"
    click.echo(f"Base de données : {store.path} ({state}, version {store.schema_version()})")


@main.command("create-admin")
@click.option("--username", prompt="Identifiant")
@click.option("--name", prompt="Nom et prénom")
@click.option("--email", prompt="Adresse e-mail")
@click.password_option("--password", prompt="Mot de passe",
                       confirmation_prompt="Confirmez le mot de passe")
def create_admin(username, name, email, password):
    """Crée un compte administrateur (le premier, ou un de secours)."""
    store = _store()
    rounds = settings.load().bcrypt_rounds
    try:
        if users.has_admin(store):
            users.create_user(store, roles.CLI, username, name, email, [roles.ADMIN], rounds,
                              password=password)
            click.echo(f"Administrateur {username} créé ; il devra changer son mot de passe "
                       "à la première connexion.")
        else:
            users.create_first_admin(store, username, name, email, password, password, rounds)
            click.echo(f"Premier administrateur {username} créé.")
    except PortalError as error:
        _fail(error)


@main.command("demo")
def load_demo():
    """Charge la CPTS fictive de démonstration et affiche ses comptes."""
    store = _store()
    try:
        accounts = demo.load(store, settings.load().bcrypt_rounds)
    except PortalError as error:
        _fail(error)
    click.echo(f"{demo.CPTS_NAME} chargée. Comptes (mot de passe : {demo.PASSWORD}) :")
    for account in accounts:
        click.echo(f"  {account['username']:<20} {account['name']:<20} "
                   f"{roles.labels(account['roles'])}")


@main.command()
def backup():
    """Écrit une copie cohérente de la base dans le dossier des sauvegardes."""
    config = settings.load()
    try:
        path = backups.backup(_store(), config.backup_dir, config.backups_kept,
                              files_dir=config.files_dir)
    except PortalError as error:
        _fail(error)
    click.echo(f"Sauvegarde écrite : {path}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def restore(file, yes):
    """Remplace la base par une sauvegarde (la base actuelle est mise de côté)."""
    store = _store(prepare=False)
    try:
        version = backups.check_candidate(file)
        if not yes:
            click.confirm(f"Remplacer {store.path} par {file} (schéma {version}) ?", abort=True)
        kept = backups.restore(store, file, roles.CLI)
    except PortalError as error:
        _fail(error)
    if kept:
        click.echo(f"Ancienne base conservée : {kept}")
    click.echo(f"Base restaurée depuis {file}. Chacun doit se reconnecter ; les comptes "
               "gardent leur mot de passe et leurs rôles actuels.")


@main.command()
@click.argument("username")
def unlock(username):
    """Déverrouille un compte tout de suite (même le dernier administrateur)."""
    store = _store()
    user = users.get_user(store, username)
    if user is None:
        _fail(PortalError(f"Aucun compte « {username} »."))
    login.unlock(store, roles.CLI, user["id"])
    click.echo(f"Compte {user['username']} déverrouillé : il peut se connecter de nouveau.")


@main.command()
def check():
    """Contrôle l'intégrité de la base de données."""
    store = _store(prepare=False)
    try:
        store.check()
    except PortalError as error:
        _fail(error)
    click.echo(f"{store.path} : intégrité correcte, schéma version {store.schema_version()}.")


@main.command("report")
@click.option("--year", type=int, default=lambda: date.today().year,
              show_default="l'année en cours", help="Année du rapport.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Dossier où écrire les fichiers.")
def write_report(year, output):
    """Écrit le rapport d'activité de l'année, en Word et en Excel."""
    started = time.perf_counter()
    content = report.gather(_store(), year)
    output.mkdir(parents=True, exist_ok=True)
    for suffix, build in (("docx", report.docx), ("xlsx", report.xlsx)):
        path = output / f"rapport-activite-{year}.{suffix}"
        path.write_bytes(build(content))
        click.echo(f"Écrit : {path}")
    click.echo(f"{len(content.standings)} indicateurs, {len(content.documents)} pièces "
               f"justificatives, en {time.perf_counter() - started:.1f} s.")


@main.command("import-rpps")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Montrer ce qui changerait, sans rien écrire.")
def import_rpps(file, dry_run):
    """Importe l'extraction RPPS/ADELI (fichier .txt ou .zip) pour le territoire."""
    store = _store()
    try:
        with click.progressbar(length=file.stat().st_size, label="Lecture",
                               file=sys.stderr) as bar, file.open("rb") as raw:
            result = rpps.plan(store, raw, lambda _: bar.update(raw.tell() - bar.pos))
        for line in result.errors:
            click.echo(line, err=True)
        if result.errors:
            _fail(PortalError("Le fichier contient des erreurs : rien n'a été importé."))
        for label, count in result.summary().items():
            click.echo(f"{label:>24} : {count}")
        for line in result.conflicts + result.warnings:
            click.echo(f"  {line}")
        if dry_run:
            click.echo("Essai à blanc : rien n'a été écrit.")
            return
        rpps.apply(store, roles.CLI, result, rpps.source_date(file.name))
    except PortalError as error:
        _fail(error)
    click.echo("Import terminé.")


@main.command()
def purge():
    """Anonymise les demandes de médecin traitant closes depuis plus que la durée de
    conservation (6 mois par défaut) et efface les traces anciennes (consultations de plus
    de 12 mois, tentatives de connexion de plus de 6 mois). Sans effet si c'est déjà fait."""
    store = _store()
    config = settings.load()
    count = doctor_requests.purge(store, roles.CLI)
    click.echo(f"{count} demande(s) anonymisée(s) (closes depuis plus de "
               f"{doctor_requests.retention_months(store)} mois).")
    removed = audit.purge_logs(store, roles.CLI, config.access_log_months,
                               config.login_log_months)
    click.echo(f"{removed['access_log']} consultation(s) de données patients de plus de "
               f"{config.access_log_months} mois et {removed['login_attempts']} tentative(s) "
               f"de connexion de plus de {config.login_log_months} mois effacées.")
