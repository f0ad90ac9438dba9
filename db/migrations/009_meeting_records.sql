-- What a meeting leaves behind: who sits on the bodies that need a quorum, the rules of
-- that quorum, the minutes, the motions voted and the decisions to follow up. Accounts can
-- be linked to a directory person, so a member sees the meetings they are invited to.

-- Who sits on the bureau and the conseil d'administration, and from when to when: the
-- quorum of a past meeting counts the board of that day.
CREATE TABLE mandates (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    body TEXT NOT NULL CHECK (body IN ('bureau', 'ca')),
    role TEXT NOT NULL DEFAULT 'membre' CHECK (role IN ('president', 'vice_president',
        'tresorier', 'tresorier_adjoint', 'secretaire', 'secretaire_adjoint', 'membre')),
    starts_on TEXT NOT NULL,
    ends_on TEXT,                   -- last day of the mandate; NULL while it runs
    demo INTEGER NOT NULL DEFAULT 0,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX mandates_body ON mandates (body, starts_on);
CREATE INDEX mandates_person ON mandates (person_id);

-- The statuts' quorum per body: "plus de la moitié des membres du bureau", "au moins un
-- tiers des adhérents"...; proxies may count, up to a number per holder.
CREATE TABLE quorum_rules (
    body TEXT PRIMARY KEY CHECK (body IN ('bureau', 'ca', 'ag')),
    numerator INTEGER NOT NULL CHECK (numerator > 0),
    denominator INTEGER NOT NULL CHECK (denominator >= numerator),
    strict INTEGER NOT NULL CHECK (strict IN (0, 1)),          -- 1: "plus de", 0: "au moins"
    proxies_count INTEGER NOT NULL DEFAULT 1 CHECK (proxies_count IN (0, 1)),
    max_proxies INTEGER CHECK (max_proxies IS NULL OR max_proxies >= 0)  -- per holder
);
INSERT INTO quorum_rules (body, numerator, denominator, strict, proxies_count, max_proxies)
VALUES ('bureau', 1, 2, 1, 0, NULL), ('ca', 1, 2, 1, 1, 1), ('ag', 1, 3, 0, 1, 2);

-- Counting a meeting's invitees and those present (lists, time per mission): the unique
-- index of 008 is partial (directory people only), so it cannot serve these lookups.
CREATE INDEX attendees_meeting ON attendees (meeting_id, status);

ALTER TABLE meetings ADD COLUMN minutes TEXT NOT NULL DEFAULT '';
-- Minutes of a bureau or CA meeting can be kept from the members.
ALTER TABLE meetings ADD COLUMN minutes_restricted INTEGER NOT NULL DEFAULT 0
    CHECK (minutes_restricted IN (0, 1));

CREATE TABLE motions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    majority TEXT NOT NULL DEFAULT 'simple'
        CHECK (majority IN ('simple', 'votants', 'deux_tiers')),
    votes_for INTEGER NOT NULL DEFAULT 0 CHECK (votes_for >= 0),
    votes_against INTEGER NOT NULL DEFAULT 0 CHECK (votes_against >= 0),
    abstentions INTEGER NOT NULL DEFAULT 0 CHECK (abstentions >= 0),
    created_at TEXT NOT NULL
);
CREATE INDEX motions_meeting ON motions (meeting_id);

-- Decisions and tasks, followed up until done (or dropped) on "Suivi des décisions".
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('decision', 'tache')),
    text TEXT NOT NULL,
    owner_id INTEGER REFERENCES people(id),
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'a_faire'
        CHECK (status IN ('a_faire', 'en_cours', 'faite', 'abandonnee')),
    done_on TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions (meeting_id);
CREATE INDEX decisions_open ON decisions (status, due_on);
CREATE INDEX decisions_owner ON decisions (owner_id);

-- The directory person an account belongs to (a member sees their own meetings).
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);
CREATE UNIQUE INDEX users_person ON users (person_id) WHERE person_id IS NOT NULL;
