//! What the audit trail's actions and entity types mean to people: the labels the
//! audit viewer shows ("Payment approved" for `payment.approve`). The API writes the
//! actions (`crates/api/src/audit.rs`); a test there checks that every action it
//! writes has its label here. An action without one (a newer server) still reads
//! well: `thing.do_it` → "Thing: do it".

/// Every action the API records, with its label, by entity.
pub const ACTIONS: [(&str, &str); 86] = [
    ("auth.login", "Signed in"),
    ("auth.login_failed", "Sign-in failed"),
    ("auth.locked", "Sign-in locked"),
    ("auth.unlocked", "Sign-in lock lifted"),
    ("auth.refresh", "Session refreshed"),
    ("auth.refresh_reuse", "Session revoked: refresh token reused"),
    ("auth.logout", "Signed out"),
    ("auth.password_changed", "Password changed"),
    ("auth.password_reset", "Password reset by an admin"),
    ("agency.create", "Agency opened"),
    ("agency.update", "Agency changed"),
    ("agency.deactivate", "Agency closed"),
    ("agency.reactivate", "Agency reopened"),
    ("settings.update", "Job switches changed"),
    ("user.create", "Staff member added"),
    ("user.update", "Staff member changed"),
    // Written before staff of every role were managed alike; older rows keep them.
    ("collector.create", "Collector created"),
    ("collector.update", "Collector changed"),
    ("notification.preferences", "Notification preferences changed"),
    ("account.create", "Account created"),
    ("account.update", "Account changed"),
    ("account.transition", "Account status changed"),
    ("account.assign", "Account assigned"),
    ("account.pause", "Aging paused"),
    ("account.note", "Note added"),
    ("account.contact", "Contact recorded"),
    ("account.contact_blocked", "Contact refused by a guardrail"),
    ("debtor.contact_block", "Contact blocked"),
    ("debtor.contact_block_clear", "Contact block cleared"),
    ("account.promise", "Promise to pay recorded"),
    ("account.promise_cancel", "Promise to pay cancelled"),
    ("promise.evaluate", "Promise to pay kept or broken"),
    ("account.validation_notice", "Validation notice sent"),
    ("agency.reminder_template", "Reminder wording changed"),
    ("payment.create", "Payment recorded"),
    ("payment.approve", "Payment approved"),
    ("payment.reject", "Payment rejected"),
    ("payment.apply", "Payment applied"),
    ("payment.refund", "Payment refunded"),
    ("payment.processor_event", "Payment updated by the processor"),
    ("plan.create", "Plan proposed"),
    ("plan.update", "Plan changed"),
    ("plan.delete", "Draft plan deleted"),
    ("plan.transition", "Plan status changed"),
    ("plan.default", "Plan defaulted"),
    ("fee.assess", "Fee assessed"),
    ("fee.waive", "Fee waived"),
    ("import.create", "Import started"),
    ("import.batch", "Import batch committed"),
    ("import.finish", "Import finished"),
    ("import_mapping.create", "Column mapping created"),
    ("import_mapping.update", "Column mapping changed"),
    ("import_mapping.delete", "Column mapping deleted"),
    ("sftp_source.create", "SFTP source set up"),
    ("sftp_source.update", "SFTP source changed"),
    ("job.run", "Job run now"),
    ("legal_case.create", "Legal case drafted"),
    ("legal_case.update", "Draft legal case changed"),
    ("legal_case.delete", "Draft legal case deleted"),
    ("legal_case.file", "Legal case filed"),
    ("legal_case.judge", "Judgment recorded"),
    ("legal_case.close", "Legal case closed"),
    ("legal_case.next_hearing", "Next hearing date rolled up"),
    ("hearing.schedule", "Hearing scheduled"),
    ("hearing.outcome", "Hearing outcome recorded"),
    ("recovery_action.initiate", "Recovery action initiated"),
    ("recovery_action.add_milestones", "Recovery milestones added"),
    ("recovery_action.complete", "Recovery action completed"),
    ("recovery_action.cancel", "Recovery action cancelled"),
    ("recovery_milestone.done", "Recovery milestone done"),
    ("recovery_milestone.overdue", "Recovery milestone overdue"),
    ("write_off.create", "Write-off drafted"),
    ("write_off.update", "Draft write-off changed"),
    ("write_off.delete", "Draft write-off deleted"),
    ("write_off.recommend", "Write-off recommended"),
    ("write_off.approve", "Write-off approved"),
    ("write_off.reject", "Write-off rejected"),
    ("document.upload", "Document uploaded"),
    ("document.version", "Document version uploaded"),
    ("document.download", "Document downloaded"),
    ("api_key.create", "API key created"),
    ("api_key.revoke", "API key revoked"),
    ("webhook.create", "Webhook endpoint registered"),
    ("webhook.update", "Webhook endpoint changed"),
    ("webhook.delete", "Webhook endpoint removed"),
    ("webhook_delivery.replay", "Webhook delivery replayed"),
];

/// Every entity type the trail names, with its label.
pub const ENTITY_TYPES: [(&str, &str); 25] = [
    ("account", "Account"),
    ("account_event", "Account note"),
    ("contact_attempt", "Contact attempt"),
    ("contact_block", "Contact block"),
    ("promise", "Promise to pay"),
    ("payment", "Payment"),
    ("plan", "Plan"),
    ("fee", "Fee"),
    ("user", "User"),
    ("session", "Session"),
    ("agency", "Agency"),
    ("job_settings", "Job switches"),
    ("import", "Import"),
    ("import_mapping", "Column mapping"),
    ("sftp_source", "SFTP source"),
    ("job_run", "Job run"),
    ("legal_case", "Legal case"),
    ("hearing", "Hearing"),
    ("recovery_action", "Recovery action"),
    ("recovery_milestone", "Recovery milestone"),
    ("write_off", "Write-off request"),
    ("document", "Document"),
    ("api_key", "API key"),
    ("webhook", "Webhook endpoint"),
    ("webhook_delivery", "Webhook delivery"),
];

/// Whether the action has its own label.
pub fn is_known(action: &str) -> bool {
    ACTIONS.iter().any(|(a, _)| *a == action)
}

/// What the action means: its label, else `entity.verb_phrase` → "Entity: verb phrase".
pub fn action_label(action: &str) -> String {
    if let Some((_, label)) = ACTIONS.iter().find(|(a, _)| *a == action) {
        return (*label).to_owned();
    }
    match action.split_once('.') {
        Some((entity, verb)) => format!("{}: {}", entity_label(entity), verb.replace('_', " ")),
        None => humanise(action),
    }
}

/// The entity type's label, else the type in words (`legal_case` → "Legal case").
pub fn entity_label(entity_type: &str) -> String {
    ENTITY_TYPES
        .iter()
        .find(|(t, _)| *t == entity_type)
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| humanise(entity_type))
}

/// `snake_case` → "Snake case".
fn humanise(snake: &str) -> String {
    let text = snake.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions_have_their_label_and_others_read_well() {
        assert_eq!(action_label("payment.approve"), "Payment approved");
        assert_eq!(action_label("auth.login"), "Signed in");
        assert_eq!(action_label("account.write_off"), "Account: write off");
        assert_eq!(action_label("legal_case.file"), "Legal case filed");
        assert_eq!(action_label("legal_case.reopen"), "Legal case: reopen");
        assert_eq!(action_label("odd"), "Odd");
        assert_eq!(entity_label("account_event"), "Account note");
        assert_eq!(entity_label("legal_case"), "Legal case");
    }

    #[test]
    fn each_action_and_entity_type_is_listed_once() {
        let mut actions: Vec<&str> = ACTIONS.iter().map(|(a, _)| *a).collect();
        actions.sort_unstable();
        actions.dedup();
        assert_eq!(actions.len(), ACTIONS.len());
        let mut types: Vec<&str> = ENTITY_TYPES.iter().map(|(t, _)| *t).collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), ENTITY_TYPES.len());
        assert!(ACTIONS.iter().all(|(a, l)| a.contains('.') && !l.is_empty()));
    }
}
