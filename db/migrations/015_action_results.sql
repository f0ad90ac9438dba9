-- What an action achieved, written by its coordinator as the year goes: the yearly
-- report carries it beside the action's objectives and description.

ALTER TABLE actions ADD COLUMN results TEXT NOT NULL DEFAULT '';
