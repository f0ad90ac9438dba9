-- The ACI missions (reference data from data/missions.csv) and the contract's choices.

CREATE TABLE missions (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('socle', 'complementaire')),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    start_months INTEGER,           -- the mission must start within this many months
    full_months INTEGER             -- and be fully deployed within this many
);
