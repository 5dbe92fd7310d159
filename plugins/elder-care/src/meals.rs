//! 助餐: the canteens come from the installation's config (`canteens`, e.g.
//! `江边社区长者食堂:30;胜阳港长者食堂:20`, name and meals per day); an elder books one meal
//! a day, up to 7 days ahead, and may cancel it before the day; the canteen's staff (worker
//! role) read the day's list.

use wangge_sdk::prelude::*;

use crate::meal_store::{self, Booking, Refusal};
use crate::model::ELDERS;
use crate::ui::{back_to_worker, field, field_error, not_linked, require_worker, url};
use wangge_sdk::date::{format_time, now_ms};

/// How many days ahead a meal may be booked.
pub(crate) const DAYS_AHEAD: i64 = 7;

/// One canteen from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Canteen {
    pub(crate) name: String,
    pub(crate) capacity: u32,
}

/// Parses the `canteens` config: `名称:份数` entries separated by `;` (or `；`).
pub(crate) fn parse_canteens(text: &str) -> Result<Vec<Canteen>, String> {
    let mut canteens: Vec<Canteen> = Vec::new();
    for entry in text
        .split([';', '；'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let Some((name, capacity)) = entry.rsplit_once([':', '：']) else {
            return Err(format!("`{entry}`：应写成 名称:每日份数"));
        };
        let name = name.trim();
        let name_ok = (1..=40).contains(&name.chars().count())
            && !name.contains(['/', '\\'])
            && !name.chars().any(char::is_control);
        if !name_ok {
            return Err(format!("`{entry}`：食堂名称应为 1–40 个字，不含 /"));
        }
        let capacity = match capacity.trim().parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => n,
            _ => return Err(format!("`{entry}`：每日份数应为 1–10000 的整数")),
        };
        if canteens.iter().any(|c| c.name == name) {
            return Err(format!("`{name}` 重复出现"));
        }
        canteens.push(Canteen {
            name: name.to_owned(),
            capacity,
        });
    }
    Ok(canteens)
}

/// The canteens of this installation; a config the admin mistyped is an error page that
/// says what to fix.
pub(crate) fn canteens() -> Result<Vec<Canteen>, Error> {
    let text: String = config_or("canteens", String::new())?;
    parse_canteens(&text)
        .map_err(|problem| Error::invalid(format!("config `canteens` 有误：{problem}")))
}

/// What a resident typed into the booking form, and what is wrong with it.
#[derive(Default)]
struct MealForm {
    date: String,
    canteen: String,
    date_error: Option<String>,
    canteen_error: Option<String>,
    general_error: Option<String>,
    cancel_error: Option<(String, String)>,
}

/// `GET /meals`.
pub(crate) fn meals_page(ctx: &Ctx) -> Result<Response, Error> {
    let Some(resident) = ctx.resident_id().map(str::to_owned) else {
        return Ok(not_linked(ctx));
    };
    let form = MealForm {
        date: Date::today().add_days(1).to_string(),
        ..MealForm::default()
    };
    render(&resident, 200, &form)
}

/// A resident's bookings from today on, by date.
pub(crate) fn upcoming(resident: &str) -> Result<Vec<(Date, Booking)>, Error> {
    let today = Date::today();
    let mut found = Vec::new();
    for offset in 0..=DAYS_AHEAD {
        let date = today.add_days(offset);
        if let Some(booking) = meal_store::of_resident(&date.to_string(), resident)? {
            found.push((date, booking));
        }
    }
    Ok(found)
}

fn render(resident: &str, status: u16, form: &MealForm) -> Result<Response, Error> {
    let today = Date::today();
    let canteens = canteens()?;
    let mine = upcoming(resident)?;
    Ok(page_with_status(
        status,
        "助餐预约",
        html! {
            h1 { "助餐预约" }
            p { "每天可预订一份午餐，最多提前 " (DAYS_AHEAD) " 天；取消请在用餐日之前。" }
            section {
                h2 { "我的预订" }
                @if mine.is_empty() {
                    p #no-bookings { "暂无预订。" }
                } @else {
                    ul #my-bookings {
                        @for (date, booking) in &mine {
                            li {
                                (date) " " (booking.canteen)
                                @if *date > today {
                                    form method="post" action=(url("/meals/cancel")) {
                                        input type="hidden" name="date" value=(date.to_string());
                                        button type="submit" { "取消 " (date) " 的预订" }
                                    }
                                }
                                @if let Some((_, problem)) = form.cancel_error.as_ref().filter(|(d, _)| *d == date.to_string()) {
                                    (field_error(Some(problem)))
                                }
                            }
                        }
                    }
                }
                @if let Some((date, problem)) = form.cancel_error.as_ref().filter(|(d, _)| !mine.iter().any(|(m, _)| m.to_string() == *d)) {
                    p .error role="alert" { (date) "：" (problem) }
                }
            }
            section {
                h2 { "预订" }
                @if canteens.is_empty() {
                    p { "本单位尚未设置长者食堂。" }
                } @else {
                    form method="post" action=(url("/meals")) {
                        p {
                            label for="date" { "用餐日期" }
                            input #date type="date" name="date" value=(form.date)
                                min=(today.to_string()) max=(today.add_days(DAYS_AHEAD).to_string());
                            (field_error(form.date_error.as_deref()))
                        }
                        p {
                            label for="canteen" { "长者食堂" }
                            select #canteen name="canteen" {
                                option value="" { "请选择" }
                                @for canteen in &canteens {
                                    option value=(canteen.name) selected[canteen.name == form.canteen] {
                                        (canteen.name) "（每日 " (canteen.capacity) " 份）"
                                    }
                                }
                            }
                            (field_error(form.canteen_error.as_deref()))
                        }
                        (field_error(form.general_error.as_deref()))
                        button type="submit" { "预订" }
                    }
                }
            }
            p { a href=(url("/")) { "← 返回养老服务" } }
        },
    ))
}

/// Checks a date typed into a form: `Ok` with the date, or the message for the field.
fn check_date(text: &str, today: Date) -> Result<Date, String> {
    if text.is_empty() {
        return Err("请选择用餐日期。".to_owned());
    }
    let Some(date) = Date::parse(text) else {
        return Err("日期格式应为 YYYY-MM-DD，例如 2026-12-01。".to_owned());
    };
    if date < today {
        return Err("不能预订已经过去的日期。".to_owned());
    }
    if date.days_since(today) > DAYS_AHEAD {
        return Err(format!(
            "最多只能提前 {DAYS_AHEAD} 天预订（最晚 {}）。",
            today.add_days(DAYS_AHEAD)
        ));
    }
    Ok(date)
}

/// `POST /meals`: `date` and `canteen`.
pub(crate) fn book(ctx: &Ctx) -> Result<Response, Error> {
    let Some(resident) = ctx.resident_id().map(str::to_owned) else {
        return Ok(not_linked(ctx));
    };
    let today = Date::today();
    let mut form = MealForm {
        date: field(ctx, "date"),
        canteen: field(ctx, "canteen"),
        ..MealForm::default()
    };
    let canteens = canteens()?;
    let date = check_date(&form.date, today)
        .map_err(|problem| form.date_error = Some(problem))
        .ok();
    let canteen = if form.canteen.is_empty() {
        form.canteen_error = Some("请选择长者食堂。".to_owned());
        None
    } else {
        let found = canteens.iter().find(|c| c.name == form.canteen).cloned();
        if found.is_none() {
            form.canteen_error = Some("没有这个长者食堂，请从列表中选择。".to_owned());
        }
        found
    };
    let elder = ELDERS.get(&resident)?;
    if elder.is_none() {
        form.general_error = Some(
            "助餐服务面向 60 周岁及以上的老年人，老年人名册中没有您的记录；如有疑问请联系网格员。"
                .to_owned(),
        );
    }
    let (Some(date), Some(canteen), Some(elder)) = (date, canteen, elder) else {
        return render(&resident, 400, &form);
    };
    let day = date.to_string();
    if let Some(existing) = meal_store::of_resident(&day, &resident)? {
        form.date_error = Some(format!(
            "您已预订 {day} 在{}的午餐，同一天只能预订一份。",
            existing.canteen
        ));
        return render(&resident, 400, &form);
    }
    let booking = Booking {
        resident: resident.clone(),
        canteen: canteen.name.clone(),
        name: Some(elder.name),
        booked_at: Some(now_ms()),
    };
    match meal_store::book(&day, &booking, canteen.capacity)? {
        Ok(()) => Ok(redirect("/meals")),
        Err(Refusal::Full) => {
            form.canteen_error = Some(format!(
                "{} {day} 的 {} 份已订满，请选择其他日期或食堂。",
                canteen.name, canteen.capacity
            ));
            render(&resident, 400, &form)
        }
    }
}

/// `POST /meals/cancel`: `date`.
pub(crate) fn cancel(ctx: &Ctx) -> Result<Response, Error> {
    let Some(resident) = ctx.resident_id().map(str::to_owned) else {
        return Ok(not_linked(ctx));
    };
    let today = Date::today();
    let typed = field(ctx, "date");
    let problem = match Date::parse(&typed) {
        None => Some("日期格式应为 YYYY-MM-DD。".to_owned()),
        Some(date) if date <= today => Some("当天和已经过去的预订不能取消。".to_owned()),
        Some(date) => {
            if meal_store::cancel(&date.to_string(), &resident)? {
                None
            } else {
                Some("您在这一天没有预订。".to_owned())
            }
        }
    };
    match problem {
        None => Ok(redirect("/meals")),
        Some(problem) => {
            let form = MealForm {
                date: today.add_days(1).to_string(),
                cancel_error: Some((typed, problem)),
                ..MealForm::default()
            };
            render(&resident, 400, &form)
        }
    }
}

/// `GET /worker/meals?date=`: the day's list by canteen, for the canteens' staff.
pub(crate) fn day_list(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    let today = Date::today();
    let typed = ctx.query_param("date").unwrap_or_default();
    let (date, status, problem) = if typed.trim().is_empty() {
        (Some(today), 200, None)
    } else {
        match Date::parse(typed.trim()) {
            Some(date) => (Some(date), 200, None),
            None => (
                None,
                400,
                Some("日期格式应为 YYYY-MM-DD，例如 2026-12-01。"),
            ),
        }
    };
    let shown = date.map_or(typed.clone(), |d| d.to_string());
    let canteens = canteens()?;
    let mut by_canteen: Vec<(String, Option<u32>, Vec<Booking>)> = canteens
        .iter()
        .map(|c| (c.name.clone(), Some(c.capacity), Vec::new()))
        .collect();
    if let Some(date) = date {
        for mut booking in meal_store::on_date(&date.to_string())? {
            if booking.name.is_none() {
                booking.name = ELDERS.get(&booking.resident)?.map(|e| e.name);
            }
            match by_canteen
                .iter_mut()
                .find(|(name, _, _)| *name == booking.canteen)
            {
                Some((_, _, list)) => list.push(booking),
                // A canteen since removed from the config still shows its bookings.
                None => by_canteen.push((booking.canteen.clone(), None, vec![booking])),
            }
        }
    }
    for (_, _, list) in &mut by_canteen {
        list.sort_by(|a, b| a.booked_at.cmp(&b.booked_at).then(a.name.cmp(&b.name)));
    }
    Ok(page_with_status(
        status,
        "助餐名单",
        html! {
            h1 { "助餐名单" }
            form method="get" action=(url("/worker/meals")) {
                label for="date" { "日期" }
                input #date type="date" name="date" value=(shown);
                (field_error(problem))
                button type="submit" { "查看" }
            }
            @if date.is_some() {
                @for (name, capacity, list) in &by_canteen {
                    section {
                        h2 { (name) " " (shown) }
                        p .count { "已预订 " (list.len()) @if let Some(capacity) = capacity { " / " (capacity) } " 份" }
                        @if !list.is_empty() {
                            table {
                                thead { tr { th { "序号" } th { "姓名" } th { "预订时间" } } }
                                tbody {
                                    @for (i, booking) in list.iter().enumerate() {
                                        tr {
                                            td { (i + 1) }
                                            td { (booking.name.as_deref().unwrap_or("（已不在名册）")) }
                                            td { @if let Some(at) = booking.booked_at { (format_time(at)) } @else { "—" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (back_to_worker())
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canteens_parse_from_the_config_text() {
        assert_eq!(
            parse_canteens("江边社区长者食堂:30； 胜阳港长者食堂：20;").expect("valid"),
            vec![
                Canteen {
                    name: "江边社区长者食堂".into(),
                    capacity: 30
                },
                Canteen {
                    name: "胜阳港长者食堂".into(),
                    capacity: 20
                },
            ]
        );
        assert_eq!(parse_canteens("").expect("none"), vec![]);
        for bad in ["食堂", "食堂:0", "食堂:x", "a/b:3", "甲:1;甲:2", ":5"] {
            assert!(parse_canteens(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booking_dates_run_from_today_to_a_week_ahead() {
        let today = Date::parse("2026-12-01").expect("date");
        assert!(check_date("2026-12-01", today).is_ok());
        assert!(check_date("2026-12-08", today).is_ok());
        assert!(
            check_date("2026-12-09", today)
                .expect_err("too far")
                .contains("7 天")
        );
        assert!(
            check_date("2026-11-30", today)
                .expect_err("past")
                .contains("过去")
        );
        assert!(
            check_date("12/01", today)
                .expect_err("malformed")
                .contains("格式")
        );
        assert!(check_date("", today).is_err());
    }
}
