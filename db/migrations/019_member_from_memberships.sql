-- "Membre de la CPTS" is read from the memberships (portal.association.memberships
-- .member_sql), no longer a box on the card: migration 018 turned the ticked boxes into
-- memberships of the year to regularise, and the column goes.

ALTER TABLE people DROP COLUMN member;
