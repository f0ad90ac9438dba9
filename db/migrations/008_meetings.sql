-- Réunions: bureau, CA, AG, working groups... with their missions and actions, invitees
-- from the directory or from outside, and who attended (or gave a proxy to whom).

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('bureau', 'ca', 'ag', 'groupe_travail',
        'sensibilisation', 'concertation', 'formation', 'partenaires')),
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,        -- Europe/Paris wall time, 'YYYY-MM-DDTHH:MM'
    ends_at TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    video_link TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    organiser_id INTEGER REFERENCES people(id),
    cancelled INTEGER NOT NULL DEFAULT 0,
    uid TEXT NOT NULL UNIQUE,       -- iCalendar UID: calendars update the same event
    sequence INTEGER NOT NULL DEFAULT 0,   -- iCalendar SEQUENCE, raised at each change
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_starts ON meetings (starts_at);
CREATE INDEX meetings_kind ON meetings (kind, starts_at);

CREATE TABLE meeting_missions (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    mission_code TEXT NOT NULL REFERENCES missions(code),
    PRIMARY KEY (meeting_id, mission_code)
);
CREATE INDEX meeting_missions_mission ON meeting_missions (mission_code);

CREATE TABLE meeting_actions (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    PRIMARY KEY (meeting_id, action_id)
);
CREATE INDEX meeting_actions_action ON meeting_actions (action_id);

CREATE TABLE attendees (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id),   -- from the directory...
    guest_name TEXT,                            -- ...or an outside guest
    guest_email TEXT,
    status TEXT NOT NULL DEFAULT 'invite' CHECK (status IN ('invite', 'present', 'excuse',
        'absent', 'represente')),
    proxy_id INTEGER REFERENCES attendees(id),  -- who holds the proxy when 'represente'
    CHECK ((person_id IS NULL) <> (guest_name IS NULL)),
    CHECK ((status = 'represente') = (proxy_id IS NOT NULL))
);
CREATE UNIQUE INDEX attendees_once ON attendees (meeting_id, person_id)
    WHERE person_id IS NOT NULL;
CREATE INDEX attendees_person ON attendees (person_id, meeting_id);
