-- The association's own life: collèges, yearly memberships and their fees, payments with
-- numbered receipts; and the treasurer, a fifth role, who records the payments.
-- Amounts are integer cents.

-- SQLite cannot change a CHECK: the roles' table is rebuilt with the new role.
CREATE TABLE user_roles_new (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL
        CHECK (role IN ('admin', 'bureau', 'coordinator', 'member', 'treasurer')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_new SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;

-- The statuts' collèges, in the order the pages list them; renamed or archived, never
-- deleted once a membership names one.
CREATE TABLE colleges (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO colleges (code, label, position) VALUES
    ('liberaux', 'Professionnels de santé libéraux', 1),
    ('exercice_coordonne', 'Structures d''exercice coordonné', 2),
    ('etablissements', 'Établissements de santé', 3),
    ('medico_social', 'Médico-social et social', 4),
    ('usagers', 'Usagers et partenaires', 5);

-- The fee of a collège for a year: a flat amount, plus an amount per professional for a
-- legal person whose fee scales with its size.
CREATE TABLE college_fees (
    college_code TEXT NOT NULL REFERENCES colleges(code),
    year INTEGER NOT NULL,
    fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),
    per_professional_cents INTEGER NOT NULL DEFAULT 0 CHECK (per_professional_cents >= 0),
    PRIMARY KEY (college_code, year)
);

-- A member for a year: a person of the directory or an organisation, never both. The
-- amount due is fixed when the membership is made (a later change of the fee does not
-- touch it); NULL until the fee is known ("à régulariser").
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    college_code TEXT NOT NULL REFERENCES colleges(code),
    person_id INTEGER REFERENCES people(id),
    organization_id INTEGER REFERENCES organizations(id),
    due_cents INTEGER CHECK (due_cents >= 0),
    -- Carried over from the old "Membre de la CPTS" box: a member until regularised.
    to_regularise INTEGER NOT NULL DEFAULT 0 CHECK (to_regularise IN (0, 1)),
    created_at TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (organization_id IS NULL))
);
CREATE UNIQUE INDEX memberships_person_year ON memberships (person_id, year)
    WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX memberships_organization_year ON memberships (organization_id, year)
    WHERE organization_id IS NOT NULL;
CREATE INDEX memberships_year ON memberships (year, college_code);

-- Payments add up to the amount due. A payment recorded by mistake is cancelled, not
-- deleted: its receipt number stays used, numbers are never given twice.
CREATE TABLE membership_payments (
    id INTEGER PRIMARY KEY,
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    paid_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    method TEXT NOT NULL CHECK (method IN ('virement', 'cheque', 'especes', 'en_ligne')),
    reference TEXT,
    receipt_number INTEGER NOT NULL UNIQUE,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    cancelled_at TEXT,
    cancelled_by TEXT
);
CREATE INDEX membership_payments_membership ON membership_payments (membership_id);

-- Today's ticked cards become members of this year, to regularise: nobody silently stops
-- being a member when the box turns into memberships.
INSERT INTO memberships (year, college_code, person_id, due_cents, to_regularise, created_at)
SELECT CAST(strftime('%Y', 'now') AS INTEGER), 'liberaux', id, NULL, 1,
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM people WHERE member = 1 AND merged_into IS NULL AND erased_at IS NULL;
