-- Name search within a subtree (GET /api/residents?q=): the index holds the living
-- residents only (a search lists no closed record) with their grid, so the scope is checked
-- in the index and a page of a name prefix within a street reads only the rows it lists.
-- Measured in BENCHMARKS.md (2026-12-02).
DROP INDEX residents_by_name;
CREATE INDEX residents_by_name ON residents (name, grid_code, id) WHERE closed_at IS NULL;
