-- Foundation: accounts, login attempts, audit and access logs, settings.
-- Times are UTC ISO-8601 text ('2026-11-24T05:40:25+00:00') unless named *_epoch.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    last_login_at TEXT,
    -- Login cookies issued before this instant are refused (logout, password change...).
    tokens_valid_after_epoch REAL NOT NULL DEFAULT 0,
    locked_until TEXT
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'bureau', 'coordinator', 'member')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    -- success, failure, unknown (no such user), locked, inactive, unlock (by an admin)
    outcome TEXT NOT NULL
);
CREATE INDEX login_attempts_username_at ON login_attempts (username, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_username ON audit_log (username, at);

-- Who looked at which personal record (patients' requests and the like).
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL
);
CREATE INDEX access_log_entity ON access_log (entity, entity_id);

-- Portal-wide settings chosen in the UI (the CPTS's name, whether demo data is loaded...).
CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
