"""Settings: environment first, then secrets.toml, then defaults; the generated key."""

from __future__ import annotations

from portal.core import settings


def test_defaults_work_with_no_configuration(tmp_path, monkeypatch):
    for name in ("PORTAL_DB", "PORTAL_BACKUP_DIR", "PORTAL_COOKIE_EXPIRY_DAYS",
                 "PORTAL_BCRYPT_ROUNDS", "PORTAL_COOKIE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_SECRETS", str(tmp_path / "none.toml"))
    config = settings.load()
    assert config.db_path == settings.ROOT / "db" / "portal.db"
    assert config.backup_dir == settings.ROOT / "backups"
    assert config.cookie_expiry_days == 1
    assert config.bcrypt_rounds == 12 and config.backups_kept == 14
    assert config.cookie_key is None and not config.cookie_key_ok


def test_environment_wins_over_the_secrets_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('cookie_expiry_days = 3\nbackups_kept = 7\n')
    monkeypatch.setenv("PORTAL_SECRETS", str(secrets))
    monkeypatch.setenv("PORTAL_COOKIE_EXPIRY_DAYS", "0.5")
    monkeypatch.delenv("PORTAL_BACKUP_DIR", raising=False)
    config = settings.load()
    assert config.cookie_expiry_days == 0.5
    assert config.backups_kept == 7


def test_the_generated_key_is_long_private_and_kept(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('cookie_key = "short"\ncookie_expiry_days = 2\n')
    monkeypatch.setenv("PORTAL_SECRETS", str(secrets))
    monkeypatch.delenv("PORTAL_COOKIE_KEY", raising=False)
    assert settings.ensure_secrets() is True  # a key under 32 characters is replaced
    config = settings.load()
    assert config.cookie_key_ok and len(config.cookie_key) >= 64
    assert config.cookie_expiry_days == 2  # other settings survive
    assert oct(secrets.stat().st_mode)[-3:] == "600"
    assert settings.ensure_secrets() is False
    assert settings.load().cookie_key == config.cookie_key
