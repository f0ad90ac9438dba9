-- ACI indicators: configured per contract, valued per period (typed, or computed).

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    mission_code TEXT NOT NULL REFERENCES missions(code),
    action_id INTEGER REFERENCES actions(id),
    kind TEXT NOT NULL CHECK (kind IN ('moyens', 'resultat', 'diagnostic')),
    unit TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
    target REAL,                    -- yearly target
    direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    source TEXT NOT NULL DEFAULT 'manual',   -- 'manual' or a registered computation
    notes TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX indicators_mission ON indicators (mission_code);

CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period_start TEXT NOT NULL,     -- first day of the month, quarter or year
    value REAL NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    UNIQUE (indicator_id, period_start)
);
