//! HTTP handlers, one module per resource and one file per endpoint. Routes are
//! wired in [`configure`], the one place every `/api/v1` route is listed. A handler
//! parses, checks the role table, opens the transaction and calls one use case of
//! [`crate::services`] (reads may call the store directly); it holds no rule.

pub mod accounts;
pub mod agencies;
pub mod analytics;
pub mod api_keys;
pub mod approvals;
pub mod audit_logs;
pub mod auth;
pub mod collectors;
pub mod health;
pub mod imports;
pub mod jobs;
pub mod mail;
pub mod notifications;
pub mod payments;
pub mod plans;
pub mod remedial;
pub mod reminder_templates;
pub mod settings;
pub mod users;
pub mod webhooks;

use actix_web::web::ServiceConfig;
use rust_decimal::Decimal;

/// An amount as the API shows it: with exactly the currency's minor unit ("12.50").
pub fn amount(value: Decimal, currency: &str) -> Decimal {
    debtflow_domain::money::shown_in(currency, value)
}

/// Every route under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::token::create)
        .service(auth::refresh::create)
        .service(auth::logout::create)
        .service(auth::me::get)
        .service(auth::password::change)
        .service(agencies::list::list)
        .service(agencies::create::create)
        .service(agencies::get::get)
        .service(agencies::seat::deactivate)
        .service(agencies::seat::reactivate)
        .service(agencies::update::update)
        .service(collectors::list::list)
        .service(collectors::get::get)
        .service(collectors::create::create)
        .service(collectors::update::update)
        .service(users::list::list)
        .service(users::create::create)
        .service(users::get::get)
        .service(users::update::update)
        .service(users::password_reset::reset)
        .service(users::unlock::unlock)
        .service(audit_logs::list::list)
        .service(accounts::assign::assign_many)
        .service(accounts::create::create)
        .service(accounts::list::list)
        // Before `/accounts/{id}`, which "count" would otherwise reach.
        .service(accounts::list::count)
        .service(accounts::get::get)
        .service(accounts::update::update)
        .service(accounts::transition::transition)
        .service(accounts::notes::create)
        .service(accounts::notes::add_note)
        .service(accounts::contacts::create)
        .service(accounts::contacts::list)
        .service(accounts::contacts::block)
        .service(accounts::contacts::clear)
        .service(accounts::contacts::blocks)
        .service(accounts::promises::create)
        .service(accounts::promises::list)
        .service(accounts::promises::cancel)
        .service(accounts::validation::send)
        .service(accounts::validation::get)
        .service(accounts::validation::letter)
        .service(reminder_templates::list)
        .service(reminder_templates::set)
        .service(reminder_templates::reset)
        .service(accounts::timeline::timeline)
        .service(accounts::assign::assign_one)
        .service(accounts::ledger::ledger)
        .service(accounts::fees::create)
        .service(accounts::fees::list)
        .service(accounts::fees::waive)
        .service(collectors::commission::commission)
        // The webhook before `/payments/{id}`, which would not match it anyway (POST).
        .service(payments::webhook::stripe)
        .service(payments::create::create)
        .service(payments::list::list)
        .service(payments::get::get)
        .service(payments::decide::approve)
        .service(payments::decide::reject)
        .service(payments::refund::refund)
        .service(payments::apply::apply)
        .service(plans::create::create)
        .service(plans::get::for_account)
        .service(plans::list::list)
        .service(plans::get::get)
        .service(plans::create::update)
        .service(plans::lifecycle::remove)
        .service(plans::lifecycle::submit)
        .service(plans::lifecycle::approve)
        .service(plans::lifecycle::reject)
        .service(plans::lifecycle::cancel)
        .service(approvals::pending)
        .service(accounts::pauses::create)
        .service(imports::create::create)
        .service(imports::get::list)
        .service(imports::mappings::list)
        .service(imports::mappings::put)
        .service(imports::mappings::delete)
        .service(imports::sftp::get)
        .service(imports::sftp::put)
        .service(imports::sftp::trigger)
        .service(imports::get::get)
        .service(imports::errors::list)
        .service(mail::deliveries::list)
        .service(jobs::runs)
        .service(jobs::run)
        .service(settings::get)
        .service(settings::update)
        .service(notifications::stream::stream)
        .service(notifications::preferences::get)
        .service(notifications::preferences::put)
        .service(notifications::unread)
        .service(notifications::read_all)
        .service(notifications::list)
        .service(notifications::read)
        .service(notifications::remove)
        .service(analytics::dashboard::dashboard)
        .service(analytics::collectors::collectors)
        .service(analytics::trends::trends)
        .service(analytics::aging::aging)
        .service(analytics::compliance::compliance)
        .service(analytics::reconciliation::reconciliation)
        .configure(remedial::configure)
        .configure(api_keys::configure)
        .configure(webhooks::configure);
}
