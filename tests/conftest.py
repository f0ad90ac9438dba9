"""Shared fixtures: a real SQLite file per test, settings pointed at a temporary folder."""

from __future__ import annotations

import sqlite3

import pytest
import streamlit as st

import blank_fields
from portal.admin import demo
from portal.core import reference, settings
from portal.core.db import Store

# The portal hides error details from users (.streamlit/config.toml); tests read them.
st.config.set_option("client.showErrorDetails", "full")
# As `make run` serves it; tests of a portal on the network set another address.
st.config.set_option("server.address", "localhost")

TEST_ROUNDS = "4"  # bcrypt cost 12 makes every login 0.25 s; 4 keeps the suite fast.


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Point every setting at tmp_path, as the CLI, the app and services read them."""
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "portal.db"))
    monkeypatch.setenv("PORTAL_SECRETS", str(tmp_path / "secrets.toml"))
    monkeypatch.setenv("PORTAL_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("PORTAL_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("PORTAL_BCRYPT_ROUNDS", TEST_ROUNDS)
    settings.ensure_secrets()
    return settings.load()


@pytest.fixture
def on_the_network():
    """The portal listens on every interface, as `streamlit run` does by default."""
    st.config.set_option("server.address", "0.0.0.0")
    yield
    st.config.set_option("server.address", "localhost")


@pytest.fixture
def bare_store(env) -> Store:
    """Migrated, nothing else: for tests that count every row and audit row."""
    store = Store(env.db_path)
    store.migrate()
    return store


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with the reference lists, built once: loading 35,000
    communes for every test would cost a quarter of a second each."""
    store = Store(tmp_path_factory.mktemp("template") / "portal.db")
    store.migrate()
    reference.sync(store)
    return store.path


@pytest.fixture(scope="session")
def demo_db(template_db, tmp_path_factory):
    """The template with the demo CPTS loaded, built once: the demo saves through the
    services, about 650 transactions, which every test using it would otherwise repeat."""
    store = Store(tmp_path_factory.mktemp("demo") / "portal.db")
    _copy(template_db, store.path)
    demo.load(store, int(TEST_ROUNDS))
    return store.path


def _copy(source_path, target_path) -> None:
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    source.backup(target)
    source.close()
    target.close()


def _store(env, source_path) -> Store:
    _copy(source_path, env.db_path)
    store = Store(env.db_path)
    store.migrate()
    return store


@pytest.fixture
def store(env, template_db) -> Store:
    return _store(env, template_db)


@pytest.fixture
def clear_streamlit_caches():
    """st.cache_* are process-wide: one test's cached start-up must not leak into another."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def demo_store(env, demo_db, clear_streamlit_caches):
    """The demo CPTS: accounts of every role, territory, organisations, professionals."""
    return _store(env, demo_db)


@pytest.fixture
def sparse_store(demo_store, env):
    """The demo plus records whose optional fields are all blank (tests/blank_fields.py)."""
    demo_store.sparse_ids = blank_fields.load(demo_store, env.files_dir, env.bcrypt_rounds)
    return demo_store
