-- What the CPTS pays its professionals for their time (art. D.1434-44 CSP): rates per
-- kind and period, the lines of time given (from the portal's records or typed with a
-- reason), and the statements that freeze them. And the years whose books are closed.
-- Amounts are integer cents.

-- A rate per kind, valid from a day to a day: two rates of one kind never overlap, so
-- each day has at most one. Per hour, except 'acte' (a flat amount per act).
CREATE TABLE indemnity_rates (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('reunion', 'groupe_travail', 'snp', 'fonction',
        'acte')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    starts_on TEXT NOT NULL,
    ends_on TEXT,                   -- last day; NULL while it applies
    created_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX indemnity_rates_kind ON indemnity_rates (kind, starts_on);

-- A statement (relevé) of one professional for a period: prepared by the coordination,
-- validated by the treasurer, then frozen (a correction is a line of a later one). One
-- withdrawn before validation stays, empty, so its number is never given again.
CREATE TABLE indemnity_statements (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    prepared_by TEXT NOT NULL,
    prepared_at TEXT NOT NULL,
    validated_by TEXT,
    validated_at TEXT,
    withdrawn_by TEXT,
    withdrawn_at TEXT,
    CHECK (last_day >= first_day),
    CHECK (validated_at IS NULL OR withdrawn_at IS NULL)
);
CREATE INDEX indemnity_statements_person ON indemnity_statements (person_id, first_day);

-- Time given: from a meeting attended, an SNP slot held on a day, or typed (with a
-- reason, and a supporting document stored by content). The rate and the amount are
-- written when the line joins a statement; a typed line waits for one until then.
CREATE TABLE indemnity_lines (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL CHECK (kind IN ('reunion', 'groupe_travail', 'snp', 'fonction',
        'acte')),
    worked_on TEXT NOT NULL,
    quantity INTEGER NOT NULL,      -- minutes; acts for 'acte'; negative for a correction
    mission_code TEXT REFERENCES missions(code),
    source TEXT NOT NULL CHECK (source IN ('meeting', 'snp', 'manual')),
    meeting_id INTEGER REFERENCES meetings(id),
    snp_slot_id INTEGER REFERENCES snp_slots(id),
    label TEXT NOT NULL,            -- what the statement says of it
    reason TEXT,
    sha256 TEXT,
    filename TEXT,
    mime TEXT,
    rate_cents INTEGER,
    amount_cents INTEGER,
    statement_id INTEGER REFERENCES indemnity_statements(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((source = 'manual') = (reason IS NOT NULL)),
    CHECK ((statement_id IS NULL) = (amount_cents IS NULL))
);
CREATE INDEX indemnity_lines_statement ON indemnity_lines (statement_id);
CREATE INDEX indemnity_lines_person ON indemnity_lines (person_id, worked_on);
-- A meeting, or a slot's day, is paid once to a person.
CREATE UNIQUE INDEX indemnity_lines_meeting ON indemnity_lines (person_id, meeting_id)
    WHERE meeting_id IS NOT NULL;
CREATE UNIQUE INDEX indemnity_lines_slot ON indemnity_lines (snp_slot_id, worked_on)
    WHERE snp_slot_id IS NOT NULL;

-- A year whose accounts are closed: no payment, cancellation or membership changes it.
CREATE TABLE closed_years (
    year INTEGER PRIMARY KEY,
    closed_by TEXT NOT NULL,
    closed_at TEXT NOT NULL
);
