//! Designated hospitals (定点医疗机构) of the six counties of 黄石市: a fixed table.

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use serde::{Deserialize, Serialize};

use super::ApiError;

/// One designated hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hospital {
    /// The medical insurance code of the institution.
    pub code: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its grade: 三级甲等, 二级甲等 or 一级.
    pub level: &'static str,
    /// Its address.
    pub address: &'static str,
    /// The 6-digit code of its county.
    pub county: &'static str,
}

const fn hospital(
    code: &'static str,
    name: &'static str,
    level: &'static str,
    address: &'static str,
) -> Hospital {
    // The county is the six digits after the leading `H`.
    let county = match code.split_at_checked(1) {
        Some((_, rest)) => match rest.split_at_checked(6) {
            Some((county, _)) => county,
            None => "",
        },
        None => "",
    };
    Hospital {
        code,
        name,
        level,
        address,
        county,
    }
}

/// Every designated hospital the stand-in knows, by county.
pub const HOSPITALS: &[Hospital] = &[
    // 黄石港区
    hospital(
        "H42020200001",
        "黄石市中心医院",
        "三级甲等",
        "湖北省黄石市黄石港区天津路141号",
    ),
    hospital(
        "H42020200002",
        "黄石市妇幼保健院",
        "三级甲等",
        "湖北省黄石市黄石港区广场路80号",
    ),
    hospital(
        "H42020200003",
        "黄石港区江北社区卫生服务中心",
        "一级",
        "湖北省黄石市黄石港区江北路12号",
    ),
    // 西塞山区
    hospital(
        "H42020300001",
        "黄石市第二医院",
        "三级甲等",
        "湖北省黄石市西塞山区黄石大道9号",
    ),
    hospital(
        "H42020300002",
        "西塞山区人民医院",
        "二级甲等",
        "湖北省黄石市西塞山区临江大道218号",
    ),
    hospital(
        "H42020300003",
        "西塞山区八泉街道社区卫生服务中心",
        "一级",
        "湖北省黄石市西塞山区八泉路36号",
    ),
    // 下陆区
    hospital(
        "H42020400001",
        "黄石市第五医院",
        "二级甲等",
        "湖北省黄石市下陆区新下陆大道118号",
    ),
    hospital(
        "H42020400002",
        "下陆区老下陆街道社区卫生服务中心",
        "一级",
        "湖北省黄石市下陆区下陆大道56号",
    ),
    // 铁山区
    hospital(
        "H42020500001",
        "铁山区人民医院",
        "二级甲等",
        "湖北省黄石市铁山区铁山大道76号",
    ),
    hospital(
        "H42020500002",
        "铁山区鹿獐山街道社区卫生服务中心",
        "一级",
        "湖北省黄石市铁山区鹿獐山路8号",
    ),
    // 阳新县
    hospital(
        "H42022200001",
        "阳新县人民医院",
        "三级甲等",
        "湖北省黄石市阳新县兴国镇城东新区兴国大道1号",
    ),
    hospital(
        "H42022200002",
        "阳新县中医医院",
        "二级甲等",
        "湖北省黄石市阳新县兴国镇陵园大道99号",
    ),
    hospital(
        "H42022200003",
        "阳新县富池镇卫生院",
        "一级",
        "湖北省黄石市阳新县富池镇富河路15号",
    ),
    hospital(
        "H42022200004",
        "阳新县白沙镇卫生院",
        "一级",
        "湖北省黄石市阳新县白沙镇白沙大道23号",
    ),
    // 大冶市
    hospital(
        "H42028100001",
        "大冶市人民医院",
        "三级甲等",
        "湖北省大冶市东岳路街道新冶大道119号",
    ),
    hospital(
        "H42028100002",
        "大冶市中医医院",
        "二级甲等",
        "湖北省大冶市东岳路街道东风路48号",
    ),
    hospital(
        "H42028100003",
        "大冶市罗家桥街道社区卫生服务中心",
        "一级",
        "湖北省大冶市罗家桥街道罗桥大道20号",
    ),
];

/// `?county=420202`.
#[derive(Debug, Deserialize)]
pub struct CountyQuery {
    county: Option<String>,
}

/// `{"hospitals": [...]}`.
#[derive(Debug, Serialize)]
pub struct Hospitals {
    hospitals: Vec<Hospital>,
}

/// `GET /api/v1/medical/hospitals?county=CODE`: an unknown county answers an empty list.
pub async fn list(
    query: Result<Query<CountyQuery>, QueryRejection>,
) -> Result<Json<Hospitals>, ApiError> {
    let county = query
        .ok()
        .and_then(|Query(query)| query.county)
        .ok_or_else(|| ApiError::invalid("缺少区县代码（county，6 位数字）"))?;
    let hospitals = HOSPITALS
        .iter()
        .filter(|hospital| hospital.county == county.trim())
        .copied()
        .collect();
    Ok(Json(Hospitals { hospitals }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{app, call};
    use super::*;
    use serde_json::json;

    #[test]
    fn every_county_has_two_to_four_hospitals() {
        for county in ["420202", "420203", "420204", "420205", "420222", "420281"] {
            let count = HOSPITALS.iter().filter(|h| h.county == county).count();
            assert!((2..=4).contains(&count), "{county}: {count}");
        }
        assert!(HOSPITALS.iter().all(|h| h.code.len() == 12));
        let levels = ["三级甲等", "二级甲等", "一级"];
        assert!(HOSPITALS.iter().all(|h| levels.contains(&h.level)));
    }

    #[tokio::test]
    async fn hospitals_by_county() {
        let (_, app) = app();
        let (status, body) =
            call(&app, "GET", "/api/v1/medical/hospitals?county=420222", None).await;
        assert_eq!(status, 200);
        let hospitals = body["hospitals"].as_array().expect("a list");
        assert_eq!(hospitals.len(), 4);
        assert_eq!(
            hospitals[0],
            json!({
                "code": "H42022200001",
                "name": "阳新县人民医院",
                "level": "三级甲等",
                "address": "湖北省黄石市阳新县兴国镇城东新区兴国大道1号",
                "county": "420222"
            })
        );
        assert!(hospitals.iter().all(|h| h["county"] == "420222"));
        let (_, body) = call(&app, "GET", "/api/v1/medical/hospitals?county=420202", None).await;
        assert_eq!(body["hospitals"][0]["name"], "黄石市中心医院");
        let (status, body) =
            call(&app, "GET", "/api/v1/medical/hospitals?county=110101", None).await;
        assert_eq!((status, body), (200, json!({"hospitals": []})));
        let (status, body) = call(&app, "GET", "/api/v1/medical/hospitals", None).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")));
    }
}
