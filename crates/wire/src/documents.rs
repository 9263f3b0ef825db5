//! Documents on an account and its records (court filings, contracts, IDs, photos):
//! every version kept, each with its type as told by its content
//! (`debtflow_domain::document`), its size and its SHA-256.

use chrono::{DateTime, Utc};
use debtflow_domain::document::DocumentType;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a document is attached to: the account itself, or one of its plans, legal
/// cases, recovery actions or write-off requests (named as the database names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentSubject {
    Account,
    Plan,
    LegalCase,
    RecoveryAction,
    WriteOff,
}

impl DocumentSubject {
    pub const ALL: [DocumentSubject; 5] = [
        DocumentSubject::Account,
        DocumentSubject::Plan,
        DocumentSubject::LegalCase,
        DocumentSubject::RecoveryAction,
        DocumentSubject::WriteOff,
    ];

    /// The stable wire and database name (`legal_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentSubject::Account => "account",
            DocumentSubject::Plan => "plan",
            DocumentSubject::LegalCase => "legal_case",
            DocumentSubject::RecoveryAction => "recovery_action",
            DocumentSubject::WriteOff => "write_off",
        }
    }

    /// What it is, for people ("a legal case").
    pub fn label(self) -> &'static str {
        match self {
            DocumentSubject::Account => "the account",
            DocumentSubject::Plan => "a plan",
            DocumentSubject::LegalCase => "a legal case",
            DocumentSubject::RecoveryAction => "a recovery action",
            DocumentSubject::WriteOff => "a write-off request",
        }
    }
}

impl std::fmt::Display for DocumentSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DocumentSubject {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
            format!("`{s}` is not one of {}", names.join(", "))
        })
    }
}

impl TryFrom<String> for DocumentSubject {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A document on an account, with its versions (the latest first). A new upload of
/// the same document is its next version; older versions stay downloadable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: Uuid,
    pub account_id: Uuid,
    pub subject_type: DocumentSubject,
    /// The account's id when `subject_type` is `account`.
    pub subject_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Statement of claim"))]
    pub title: String,
    /// The number of the latest version (the first is 1).
    pub latest_version: i32,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub versions: Vec<DocumentVersion>,
}

/// One version of a document: the file as uploaded, never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentVersion {
    pub version: i32,
    #[cfg_attr(feature = "openapi", schema(example = "statement-of-claim.pdf"))]
    pub file_name: String,
    /// The type its content is (not what its name or the uploader's browser said).
    pub document_type: DocumentType,
    /// The MIME type it is downloaded with.
    #[cfg_attr(feature = "openapi", schema(example = "application/pdf"))]
    pub content_type: String,
    pub size_bytes: i64,
    /// Its SHA-256, 64 lower-case hex digits (also the download's `ETag`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    )]
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_by_name: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_named_as_the_database_names_them() {
        for subject in DocumentSubject::ALL {
            assert_eq!(serde_json::to_string(&subject).unwrap(), format!("\"{}\"", subject.as_str()));
            assert_eq!(subject.as_str().parse::<DocumentSubject>(), Ok(subject));
        }
        assert!("case".parse::<DocumentSubject>().unwrap_err().contains("legal_case"));
    }
}
