-- The dirigeants as the préfecture asks for them (Cerfa 13971): what the directory does
-- not hold of a board member (all first names, nationality, home address), read only by
-- the board; and the date each change of the board (a mandate's start, its end) was
-- declared, due within three months.
CREATE TABLE officer_details (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    first_names TEXT,
    nationality TEXT,
    home_address TEXT,
    updated_at TEXT NOT NULL
);
ALTER TABLE mandates ADD COLUMN start_declared_on TEXT;
ALTER TABLE mandates ADD COLUMN end_declared_on TEXT;
