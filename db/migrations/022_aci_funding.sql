-- What the ACI pays, per contract year, and what the CPTS did with it: no books (a CPTS
-- keeps them elsewhere), what the yearly review asks for. Amounts are integer cents.

-- The amounts due for a year: the operating grant, and per mission its fixed part and
-- its variable part (paid on the indicators it names).
CREATE TABLE aci_funding (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('fonctionnement', 'fixe', 'variable')),
    mission_code TEXT REFERENCES missions(code),
    expected_cents INTEGER NOT NULL CHECK (expected_cents >= 0),
    CHECK ((part = 'fonctionnement') = (mission_code IS NULL))
);
CREATE UNIQUE INDEX aci_funding_once ON aci_funding (year, part, COALESCE(mission_code, ''));

CREATE TABLE aci_funding_indicators (
    funding_id INTEGER NOT NULL REFERENCES aci_funding(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    PRIMARY KEY (funding_id, indicator_id)
);

-- What the Assurance maladie paid for a year (an advance, the balance...), and when.
CREATE TABLE aci_payments (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    label TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX aci_payments_year ON aci_payments (year);

-- Spending other than the indemnities (which the statements give): salaries, rent,
-- communication, tools... per mission, or for the running of the CPTS (no mission).
CREATE TABLE spending (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    mission_code TEXT REFERENCES missions(code),
    label TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    spent_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX spending_year ON spending (year, mission_code);
