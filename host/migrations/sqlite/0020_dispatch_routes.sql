-- Dispatch that routes (派遣): an event dispatched to a department or a lower unit is in
-- that unit's queue while it is theirs. `handler_unit` is the unit's code (a department's is
-- its county's or street's code, `.` and a short name: see host/src/grid/unit_code.rs);
-- `received_at` is when it reached them (ms): the 2 working days in which they may return a
-- misrouted event count from it. `dispatched_to` keeps the unit's name, as shown.
ALTER TABLE events ADD COLUMN handler_unit TEXT;
ALTER TABLE events ADD COLUMN received_at BIGINT;
-- A department's queue: its open events by deadline, read from the index alone.
CREATE INDEX events_by_handler ON events (handler_unit, state, deadline, id);
