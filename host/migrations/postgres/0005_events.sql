-- Keep in step with migrations/sqlite.
-- 事件: categories with their SLA in working days, events, and each event's timeline.
CREATE TABLE event_categories (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    sla_working_days  INTEGER NOT NULL,
    owner_plugin      TEXT
);

INSERT INTO event_categories (code, name, sla_working_days) VALUES
    ('dispute.marriage-family', '婚姻家庭纠纷', 10),
    ('dispute.neighbour', '邻里纠纷', 5),
    ('dispute.housing-land', '房屋宅基地纠纷', 15),
    ('dispute.contract', '合同纠纷', 15),
    ('dispute.business', '生产经营纠纷', 15),
    ('dispute.damages', '损害赔偿纠纷', 15),
    ('dispute.forest-land', '山林土地纠纷', 20),
    ('dispute.expropriation', '征地拆迁纠纷', 20),
    ('dispute.pollution', '环境污染纠纷', 10),
    ('dispute.labour', '劳动争议/欠薪', 10),
    ('dispute.medical', '医疗纠纷', 15),
    ('dispute.traffic', '道路交通纠纷', 10),
    ('dispute.property-management', '物业纠纷', 10),
    ('dispute.village-affairs', '村务管理纠纷', 10),
    ('dispute.other', '其他纠纷', 10),
    ('safety-hazard', '安全隐患', 3),
    ('environment', '环境卫生', 5),
    ('public-facility', '公共设施', 5),
    ('petition', '信访', 15);

CREATE TABLE events (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category         TEXT NOT NULL REFERENCES event_categories (code),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    state            TEXT NOT NULL,
    unit_code        TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    reporter         TEXT,
    reported_at      BIGINT NOT NULL,
    deadline         TEXT, -- YYYY-MM-DD, set on acceptance from the category's SLA
    supervised       BIGINT NOT NULL DEFAULT 0, -- 1 once marked 督办 (an integer: sqlx's Any driver reads no SQLite booleans)
    dispatched_to    TEXT
);
CREATE INDEX events_by_unit ON events (unit_code, id);
CREATE INDEX events_open_by_deadline ON events (state, deadline);

CREATE TABLE event_timeline (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL
);
CREATE INDEX event_timeline_by_event ON event_timeline (event_id, id);

-- Messages to a unit's governance centre (督办 notices today; the inboxes of the front
-- will read them).
CREATE TABLE unit_notifications (
    unit_code  TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    event_id   BIGINT REFERENCES events (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX unit_notifications_by_unit ON unit_notifications (unit_code, created_at);
