-- Where an event is (a point and/or an address), the answers to its category's custom
-- fields, and when it last moved; each category's description and the JSON Schema of its
-- custom fields. Schemas stay within the subset that host/src/grid/custom_fields.rs checks
-- (string/integer/number/boolean properties, each with a Chinese title and a description).
ALTER TABLE events ADD COLUMN latitude REAL;
ALTER TABLE events ADD COLUMN longitude REAL;
ALTER TABLE events ADD COLUMN address TEXT;
ALTER TABLE events ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'; -- a JSON object
ALTER TABLE events ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0; -- ms, set on every move
UPDATE events SET updated_at = reported_at;

ALTER TABLE event_categories ADD COLUMN description TEXT;
ALTER TABLE event_categories ADD COLUMN fields_schema TEXT; -- JSON Schema, NULL: no custom fields

UPDATE event_categories SET description = '夫妻、婚约、赡养、抚养、继承等家庭成员之间的纠纷' WHERE code = 'dispute.marriage-family';
UPDATE event_categories SET description = '相邻关系中的噪声、通行、采光、漏水、宠物等纠纷' WHERE code = 'dispute.neighbour';
UPDATE event_categories SET description = '房屋买卖、租赁、宅基地使用与界址的纠纷' WHERE code = 'dispute.housing-land';
UPDATE event_categories SET description = '买卖、借款、承揽等合同履行中的纠纷' WHERE code = 'dispute.contract';
UPDATE event_categories SET description = '企业、个体户生产经营活动中的纠纷' WHERE code = 'dispute.business';
UPDATE event_categories SET description = '人身伤害、财产损失的赔偿纠纷' WHERE code = 'dispute.damages';
UPDATE event_categories SET description = '山林、土地承包经营权与权属的纠纷' WHERE code = 'dispute.forest-land';
UPDATE event_categories SET description = '征收土地、房屋拆迁及补偿安置的纠纷' WHERE code = 'dispute.expropriation';
UPDATE event_categories SET description = '废水、废气、噪声、固体废物等污染引起的纠纷' WHERE code = 'dispute.pollution';
UPDATE event_categories SET description = '拖欠工资、劳动合同、工伤待遇等劳动争议' WHERE code = 'dispute.labour';
UPDATE event_categories SET description = '诊疗过程中医患双方的纠纷' WHERE code = 'dispute.medical';
UPDATE event_categories SET description = '道路交通事故责任与赔偿的纠纷' WHERE code = 'dispute.traffic';
UPDATE event_categories SET description = '物业服务、物业费、公共部位使用的纠纷' WHERE code = 'dispute.property-management';
UPDATE event_categories SET description = '村（居）务公开、集体资产与收益分配的纠纷' WHERE code = 'dispute.village-affairs';
UPDATE event_categories SET description = '不属于以上类别的矛盾纠纷' WHERE code = 'dispute.other';
UPDATE event_categories SET description = '消防、燃气、用电、建筑等可能危及人身财产安全的隐患' WHERE code = 'safety-hazard';
UPDATE event_categories SET description = '垃圾、污水、噪声、乱堆乱放等环境卫生问题' WHERE code = 'environment';
UPDATE event_categories SET description = '路灯、井盖、道路、健身器材等公共设施的损坏或缺失' WHERE code = 'public-facility';
UPDATE event_categories SET description = '群众来信来访反映的诉求' WHERE code = 'petition';

UPDATE event_categories SET fields_schema = '{
  "type": "object",
  "additionalProperties": false,
  "required": ["hazard_type"],
  "properties": {
    "hazard_type": {"type": "string", "title": "隐患类型", "description": "隐患所属的类别", "enum": ["消防", "燃气", "用电", "建筑", "其他"]},
    "people_at_risk": {"type": "integer", "title": "受威胁人数", "description": "估计可能受到威胁的人数", "minimum": 0, "maximum": 100000},
    "immediate_danger": {"type": "boolean", "title": "是否紧急", "description": "是否存在立即危及人身安全的情况"}
  }
}' WHERE code = 'safety-hazard';

UPDATE event_categories SET fields_schema = '{
  "type": "object",
  "additionalProperties": false,
  "required": ["facility", "damage"],
  "properties": {
    "facility": {"type": "string", "title": "设施类型", "description": "出问题的公共设施", "enum": ["路灯", "井盖", "道路", "健身器材", "公共座椅", "公厕", "其他"]},
    "damage": {"type": "string", "title": "问题", "description": "设施出了什么问题", "enum": ["损坏", "缺失", "被占用", "其他"]},
    "facility_number": {"type": "string", "title": "设施编号", "description": "设施上喷涂或挂牌的编号（如有）", "maxLength": 40}
  }
}' WHERE code = 'public-facility';

UPDATE event_categories SET fields_schema = '{
  "type": "object",
  "additionalProperties": false,
  "required": ["issue"],
  "properties": {
    "issue": {"type": "string", "title": "问题类型", "description": "环境卫生问题的类别", "enum": ["垃圾未清运", "乱堆乱放", "污水", "噪声", "异味", "其他"]},
    "area_m2": {"type": "number", "title": "影响面积（平方米）", "description": "估计受影响的面积", "minimum": 0, "maximum": 1000000},
    "recurring": {"type": "boolean", "title": "是否反复出现", "description": "同一地点此前是否出现过同样的问题"}
  }
}' WHERE code = 'environment';

UPDATE event_categories SET fields_schema = '{
  "type": "object",
  "additionalProperties": false,
  "required": ["workers"],
  "properties": {
    "workers": {"type": "integer", "title": "涉及人数", "description": "被拖欠工资或涉及争议的劳动者人数", "minimum": 1, "maximum": 10000},
    "amount_yuan": {"type": "number", "title": "涉及金额（元）", "description": "估计拖欠或争议的金额", "minimum": 0},
    "employer": {"type": "string", "title": "用人单位", "description": "用人单位或包工头的名称", "maxLength": 100}
  }
}' WHERE code = 'dispute.labour';
