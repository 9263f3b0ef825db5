//! One batch of an import's rows, in one transaction: new external references become
//! debtor + account (status NEW, opened by its opening entry for the original balance, an
//! `imported` timeline event naming the import); known ones have the fields an import
//! may change updated (an `import_update` event listing them) or, when nothing
//! changed, are skipped; every other row is an error, and never stops the others.
//! The import's counts move in the same transaction, so `processed` is exactly the
//! rows whose effects are committed.

use crate::{
    audit::{self, Actor, Change},
    crypto::FieldCipher,
    services::ServiceError,
    store::{
        self,
        imports::{Counts, ImportRow, RowError},
        placements::{Existing, Fields, New, Update},
    },
};
use debtflow_domain::{
    import::{Field, Placement},
    ledger::{Entry, EntryKind},
    Currency,
};
use serde_json::json;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Consecutive rows of a file: batch `no` holds data rows `no * batch_rows` onwards.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub no: i32,
    pub rows: Vec<ReadRow>,
}

/// A row as the file gave it: its line number, and the placement or what is wrong.
#[derive(Debug, Clone)]
pub struct ReadRow {
    pub row_no: i64,
    pub placement: Result<Placement, Vec<RowError>>,
}

/// Applies the batch (read for the agency's `currency`) and records it, with its counts,
/// on the import.
pub async fn apply(
    tx: &mut PgConnection,
    actor: &Actor,
    import: &ImportRow,
    currency: Currency,
    batch: Batch,
    cipher: &FieldCipher,
) -> Result<Counts, ServiceError> {
    let (batch_no, rows) = (batch.no, batch.rows);
    let agency_id = import.agency_id;
    let (first_row, last_row) = (rows.first().map(|r| r.row_no), rows.last().map(|r| r.row_no));
    let mut errors = Vec::new();
    let mut valid: Vec<(i64, Placement)> = Vec::new();
    let mut first_seen: HashMap<String, i64> = HashMap::new();
    for row in rows {
        match row.placement {
            Err(row_errors) => errors.push((row.row_no, row_errors)),
            Ok(p) => match first_seen.get(&p.external_ref) {
                Some(first) => errors.push((row.row_no, vec![repeated(row.row_no, &p, Some(*first))])),
                None => {
                    first_seen.insert(p.external_ref.clone(), row.row_no);
                    valid.push((row.row_no, p));
                }
            },
        }
    }
    let refs: Vec<&str> = valid.iter().map(|(_, p)| p.external_ref.as_str()).collect();
    let existing: HashMap<String, Existing> = store::placements::existing(tx, agency_id, &refs)
        .await?
        .into_iter()
        .map(|e| (e.external_ref.clone(), e))
        .collect();

    let (mut new, mut updates, mut changed_fields) = (Vec::new(), Vec::new(), Vec::new());
    let mut counts = Counts::default();
    let mut new_rows: HashMap<Uuid, (i64, Placement)> = HashMap::new();
    for (row_no, p) in valid {
        match existing.get(&p.external_ref) {
            Some(e) if e.import_id == Some(import.id) => errors.push((row_no, vec![repeated(row_no, &p, None)])),
            Some(e) => {
                let (fields, changed) = merge(&e.fields, &p, cipher);
                if changed.is_empty() {
                    counts.skipped += 1;
                } else {
                    updates.push(Update { account_id: e.account_id, debtor_id: e.debtor_id, fields });
                    changed_fields.push((e.account_id, changed));
                }
            }
            None => {
                let account_id = Uuid::now_v7();
                let opening = Entry::of(EntryKind::Opening, p.original_balance)?;
                new.push(New {
                    account_id,
                    debtor_id: Uuid::now_v7(),
                    external_ref: p.external_ref.clone(),
                    original_balance: p.original_balance.amount(),
                    delinquency_date: p.delinquency_date,
                    fields: fields_of(&p, cipher),
                    opening,
                });
                new_rows.insert(account_id, (row_no, p));
            }
        }
    }

    let placed = store::placements::insert(tx, agency_id, import.id, currency.code(), &new).await?;
    let mut imported = Vec::with_capacity(placed.len());
    for id in &placed {
        if let Some((row_no, _)) = new_rows.remove(id) {
            imported.push((*id, json!({"import_id": import.id, "file_name": import.file_name, "row": row_no})));
        }
    }
    // Placed by someone else between our look-up and our insert.
    for (row_no, p) in new_rows.into_values() {
        errors.push((
            row_no,
            vec![RowError {
                row_no,
                column_name: Some(Field::ExternalRef.as_str().into()),
                value: p.external_ref,
                message: "was placed by another import or user while this one ran; import the file again to update it"
                    .into(),
            }],
        ));
    }
    store::account_events::insert_many(tx, agency_id, "imported", actor.user_id, &imported).await?;
    store::placements::update(tx, agency_id, &updates).await?;
    let update_events: Vec<(Uuid, serde_json::Value)> = changed_fields
        .iter()
        .map(|(id, fields)| (*id, json!({"import_id": import.id, "file_name": import.file_name, "fields": fields})))
        .collect();
    store::account_events::insert_many(tx, agency_id, "import_update", actor.user_id, &update_events).await?;

    errors.sort_by_key(|(row_no, _)| *row_no);
    counts.created = imported.len() as i64;
    counts.updated = updates.len() as i64;
    counts.failed = errors.len() as i64;
    let flat: Vec<RowError> = errors.into_iter().flat_map(|(_, e)| e).collect();
    store::imports::insert_errors(tx, agency_id, import.id, &flat).await?;
    store::imports::add_batch(tx, agency_id, import.id, batch_no, counts).await?;
    let after = json!({
        "batch": batch_no,
        "rows": [first_row, last_row],
        "created": placed,
        "updated": changed_fields.iter().map(|(id, f)| json!({"account_id": id, "fields": f})).collect::<Vec<_>>(),
        "counts": counts,
    });
    audit::record(tx, actor, Change::created("import.batch", "import", import.id, after).in_agency(Some(agency_id)))
        .await?;
    Ok(counts)
}

fn repeated(row_no: i64, p: &Placement, first_row: Option<i64>) -> RowError {
    RowError {
        row_no,
        column_name: Some(Field::ExternalRef.as_str().into()),
        value: p.external_ref.clone(),
        message: match first_row {
            Some(row) => format!("repeats the external reference of row {row}"),
            None => "repeats the external reference of an earlier row of this file".into(),
        },
    }
}

fn fields_of(p: &Placement, cipher: &FieldCipher) -> Fields {
    Fields {
        creditor: p.creditor.clone(),
        original_creditor: p.original_creditor.clone(),
        due_date: p.due_date,
        priority: p.priority.map(i16::from).unwrap_or_default(),
        full_name: p.debtor_name.clone(),
        phone: p.phone.clone(),
        email: p.email.clone(),
        address: p.address.clone(),
        date_of_birth: p.date_of_birth,
        ssn_last4_enc: p.ssn_last4.map(|s| cipher.encrypt(s.as_str())),
    }
}

/// The account's fields with the row's given cells laid over them (an empty cell
/// keeps what the account has), and the names of the fields that changed.
fn merge(old: &Fields, p: &Placement, cipher: &FieldCipher) -> (Fields, Vec<&'static str>) {
    let mut changed = Vec::new();
    let mut take = |field: Field, differs: bool| {
        if differs {
            changed.push(field.as_str());
        }
        differs
    };
    let mut text = |field: Field, old: &Option<String>, new: &Option<String>| match new {
        Some(v) if take(field, old.as_ref() != Some(v)) => Some(v.clone()),
        _ => old.clone(),
    };
    let creditor = text(Field::Creditor, &Some(old.creditor.clone()), &Some(p.creditor.clone())).unwrap_or_default();
    let original_creditor = text(Field::OriginalCreditor, &old.original_creditor, &p.original_creditor);
    let full_name =
        text(Field::DebtorName, &Some(old.full_name.clone()), &Some(p.debtor_name.clone())).unwrap_or_default();
    let phone = text(Field::Phone, &old.phone, &p.phone);
    let email = text(Field::Email, &old.email, &p.email);
    let address = text(Field::Address, &old.address, &p.address);
    let due_date = match p.due_date {
        Some(d) if take(Field::DueDate, old.due_date != Some(d)) => Some(d),
        _ => old.due_date,
    };
    let priority = match p.priority.map(i16::from) {
        Some(v) if take(Field::Priority, v != old.priority) => v,
        _ => old.priority,
    };
    let date_of_birth = match p.date_of_birth {
        Some(d) if take(Field::DateOfBirth, old.date_of_birth != Some(d)) => Some(d),
        _ => old.date_of_birth,
    };
    let old_ssn = old.ssn_last4_enc.as_deref().and_then(|b| cipher.decrypt(b));
    let ssn_last4_enc = match p.ssn_last4 {
        Some(s) if take(Field::SsnLast4, old_ssn.as_deref() != Some(s.as_str())) => Some(cipher.encrypt(s.as_str())),
        _ => old.ssn_last4_enc.clone(),
    };
    changed.sort_by_key(|name| name.parse::<Field>().map(|f| f as u8).unwrap_or(u8::MAX));
    let fields = Fields {
        creditor,
        original_creditor,
        due_date,
        priority,
        full_name,
        phone,
        email,
        address,
        date_of_birth,
        ssn_last4_enc,
    };
    (fields, changed)
}
