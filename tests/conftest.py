"""Shared fixtures: a real SQLite file per test, settings pointed at a temporary folder."""

from __future__ import annotations

import pytest
import streamlit as st

from portal import settings
from portal.db import Store

TEST_ROUNDS = "4"  # bcrypt cost 12 makes every login 0.25 s; 4 keeps the suite fast.


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Point every setting at tmp_path, as the CLI, the app and services read them."""
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "portal.db"))
    monkeypatch.setenv("PORTAL_SECRETS", str(tmp_path / "secrets.toml"))
    monkeypatch.setenv("PORTAL_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("PORTAL_BCRYPT_ROUNDS", TEST_ROUNDS)
    settings.ensure_secrets()
    return settings.load()


@pytest.fixture
def store(env) -> Store:
    store = Store(env.db_path)
    store.migrate()
    return store


@pytest.fixture
def clear_streamlit_caches():
    """st.cache_* are process-wide: one test's cached start-up must not leak into another."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
