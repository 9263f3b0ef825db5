//! Rules the jobs state in SQL, evaluated in PostgreSQL against the domain's statement
//! of them over ranges: the aging bucket (`aging_bucket`, migrations/0010, vs
//! `Bucket::of`), an installment's late flag (`store::installment_notices::flag_late`)
//! and a plan's default (`store::plans::overdue`) vs `plan::installment_status`; what
//! became of an installment (`installment_outcome`, migrations/0014, vs
//! `InstallmentOutcome::of`).

use crate::payments::today;
use crate::plans::{active_plan, negotiating_account};
use debtflow_api::store;
use debtflow_domain::{
    analytics::InstallmentOutcome,
    plan::{installment_status, InstallmentStatus, Terms},
    Bucket, Currency, Money,
};
use debtflow_tests::{spawn_app, TestDatabase};

#[tokio::test]
async fn the_aging_bucket_in_sql_is_the_domains_from_minus_5_to_400_days() {
    let database = TestDatabase::migrated().await;
    let rows: Vec<(i32, String)> =
        sqlx::query_as("SELECT d, aging_bucket(d) FROM generate_series(-5, 400) AS d ORDER BY d")
            .fetch_all(&database.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 406);
    for (days, bucket) in rows {
        // Days past due are never negative: the domain counts them from 0.
        let expected = Bucket::of(u32::try_from(days).unwrap_or(0));
        assert_eq!(bucket, expected.as_str(), "{days} days past due");
    }
}

#[tokio::test]
async fn an_installment_outcome_in_sql_is_the_domains_for_every_payment_and_day() {
    let database = TestDatabase::migrated().await;
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let terms = Terms { grace_days: 3, default_threshold_days: 30 };
    let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::USD).unwrap();
    let mut cases = 0;
    for paid in ["0", "49.99", "50.00"] {
        for paid_offset in [None, Some(-5), Some(0), Some(3), Some(4), Some(40)] {
            for today_offset in [-10, 0, 3, 4, 29, 30, 60] {
                let paid_on = paid_offset.map(|d: i64| due + chrono::Duration::days(d));
                let today = due + chrono::Duration::days(today_offset);
                let sql: String = sqlx::query_scalar("SELECT installment_outcome(50.00, $1::numeric, $2, $3, $4, 3)")
                    .bind(paid)
                    .bind(due)
                    .bind(paid_on)
                    .bind(today)
                    .fetch_one(&database.pool())
                    .await
                    .unwrap();
                let domain = InstallmentOutcome::of(usd("50.00"), usd(paid), due, paid_on, today, terms);
                assert_eq!(sql, domain.as_str(), "paid {paid} on {paid_on:?}, today {today}");
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 126);
}

#[tokio::test]
async fn late_flags_and_plan_defaults_in_sql_follow_installment_status() {
    let app = spawn_app().await;
    let demo = app.seed().await;
    let manager = app.token("demo.manager").await;
    let account = negotiating_account(&app, &manager, "RULES-1").await;
    let due = today(&app).await;
    let plan = active_plan(&app, &account, "600.00", 1, due).await;
    let plan_id = uuid::Uuid::parse_str(plan["id"].as_str().unwrap()).unwrap();
    let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::USD).unwrap();

    // Everything below is rolled back; an active plan's terms are frozen by a trigger,
    // which this transaction lifts to try every term on the one plan.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("ALTER TABLE plans DISABLE TRIGGER plans_frozen").execute(&mut *tx).await.unwrap();
    let mut checked = 0;
    for (grace, threshold) in [(0, 1), (0, 30), (1, 2), (3, 4), (3, 10), (3, 30), (7, 8), (7, 45)] {
        sqlx::query("UPDATE plans SET grace_days = $2, default_threshold_days = $3 WHERE id = $1")
            .bind(plan_id)
            .bind(grace)
            .bind(threshold)
            .execute(&mut *tx)
            .await
            .unwrap();
        let terms = Terms { grace_days: grace as u32, default_threshold_days: threshold as u32 };
        for paid in ["0", "250.00", "600.00"] {
            sqlx::query("UPDATE plan_installments SET paid_amount = $2::numeric WHERE plan_id = $1")
                .bind(plan_id)
                .bind(paid)
                .execute(&mut *tx)
                .await
                .unwrap();
            for days in -5i64..=50 {
                let as_of = due + chrono::TimeDelta::days(days);
                let status = installment_status(usd("600.00"), usd(paid), due, as_of, terms);
                let late = store::installment_notices::flag_late(&mut tx, demo.agency, as_of).await.unwrap().late;
                let overdue = store::plans::overdue(&mut tx, Some(demo.agency), as_of).await.unwrap();
                let case = format!("{days} days after due, grace {grace}, threshold {threshold}, paid {paid}");
                let expected_late = matches!(status, InstallmentStatus::Late | InstallmentStatus::Missed);
                assert_eq!(late, i64::from(expected_late), "late flag, {case}: the domain says {status}");
                let expected_default = status == InstallmentStatus::Missed;
                assert_eq!(overdue.len(), usize::from(expected_default), "default, {case}: the domain says {status}");
                checked += 1;
            }
        }
    }
    tx.rollback().await.unwrap();
    assert_eq!(checked, 8 * 3 * 56);
}
