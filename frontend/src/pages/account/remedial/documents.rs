//! Documents on the account and on its records (a court filing on a legal case, the
//! appraisal of a recovery action, the probate letter of a write-off): each with what
//! it is attached to, its latest version and the earlier ones, every one downloadable
//! (fetched with the user's token and saved through a Blob: a plain link cannot send
//! the token). Everyone but auditors uploads a document, or a new version of one.
//!
//! The file's name is checked before sending (an extension the API accepts); its
//! content is checked by the API, whose refusal — 415 (not what its name says), 413
//! (too large) — is said beside the file input.

use super::{loaded, subject_of, Opener, Records, Said, Subject};
use crate::{
    api::{
        self,
        documents::{Document, DocumentSubject, DocumentVersion},
        Problem,
    },
    components::{invalid, save_bytes, unplaced, Loaded},
    pages::{
        account::{Done, DoneNote},
        imports::size,
    },
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    document::{accepted_extensions, extension, DocumentError, DocumentType},
    permission::Operation,
};
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

/// The input's `accept`: every extension the API accepts.
fn accept() -> String {
    accepted_extensions().map(|e| format!(".{e}")).collect::<Vec<_>>().join(",")
}

/// A file chosen, checked as far as its name and size tell: not empty, and named with
/// an extension the API accepts (its content is the API's to check).
pub fn check_name(name: &str, size: f64) -> Result<(), Problem> {
    if size <= 0.0 {
        return Err(Problem::invalid("file", DocumentError::Empty.to_string()));
    }
    let ext = extension(name).unwrap_or("");
    if DocumentType::from_extension(ext).is_none() {
        let refused = DocumentError::UnknownExtension { extension: ext.to_lowercase() };
        return Err(Problem::invalid("file", refused.to_string()));
    }
    Ok(())
}

/// What a refusal says of the file, beside its input: the file's own message, or the
/// whole problem of a file refused for its type (415) or size (413).
pub fn file_message(p: &Problem) -> Option<String> {
    p.field("file").or_else(|| match p.status {
        413 if p.detail.is_empty() => Some("The file is larger than the server accepts.".into()),
        413 | 415 => Some(p.message()),
        _ => None,
    })
}

/// What a refusal says of nothing the upload form shows a field for.
fn general_message(p: &Problem, placed: &[&str]) -> Option<String> {
    if file_message(p).is_some() && matches!(p.status, 413 | 415) {
        return None;
    }
    unplaced(p, placed)
}

/// "statement.pdf · a PDF document · 120.5 KB · Morgan Reyes, 2026-12-01".
pub fn version_line(v: &DocumentVersion) -> String {
    format!(
        "{} · {} · {} · {}, {}",
        v.file_name,
        v.document_type.label(),
        size(v.size_bytes),
        v.uploaded_by_name.as_deref().unwrap_or("someone outside the agency"),
        v.uploaded_at.date_naive()
    )
}

/// The documents of the account and all its records.
#[component]
pub(super) fn Documents() -> impl IntoView {
    let records = expect_context::<Records>();
    let uploader = use_session().can(Operation::UploadDocuments);
    let adding = RwSignal::new(false);
    let done = Done::of("documents");
    view! {
        <section class="card" aria-labelledby="documents-h" data-testid="documents">
            <h2 id="documents-h">"Documents"</h2>
            <Loaded
                state=records.documents.state
                retry=move |()| records.documents.again()
                empty={|list: &Vec<Document>| list.is_empty().then_some("No document yet.")}
                let:list
            >
                <ul class="records documents">
                    {list
                        .into_iter()
                        .map(|d| view! { <DocumentItem doc=d show_subject=true uploader=uploader done=done /> })
                        .collect_view()}
                </ul>
            </Loaded>
            <DoneNote done=done testid="documents-done" />
            {uploader
                .then(|| {
                    view! {
                        <div class="actions">
                            <Opener open=adding label="Upload a document" testid="document-new" />
                        </div>
                        <Show when=move || adding.get()>
                            <UploadForm fixed=None done=done close=Callback::new(move |()| adding.set(false)) />
                        </Show>
                    }
                })}
        </section>
    }
}

/// The documents of one record, under it, and a document attached to it from there.
#[component]
pub(super) fn RecordDocuments(kind: DocumentSubject, id: Uuid) -> impl IntoView {
    let records = expect_context::<Records>();
    let uploader = use_session().can(Operation::UploadDocuments);
    let adding = RwSignal::new(false);
    let done = Done::of(format!("documents-{id}"));
    let mine = Memo::new(move |_| {
        records.documents.state.with(|s| {
            loaded(s).iter().filter(|d| d.subject_type == kind && d.subject_id == id).cloned().collect::<Vec<_>>()
        })
    });
    view! {
        <div class="record-documents" data-testid="record-documents">
            {move || {
                let list = mine.get();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <h4>{format!("Documents ({})", list.len())}</h4>
                            <ul class="documents">
                                {list
                                    .into_iter()
                                    .map(|d| view! { <DocumentItem doc=d show_subject=false uploader=uploader done=done /> })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
            <DoneNote done=done testid="record-documents-done" />
            {uploader
                .then(|| {
                    view! {
                        <Opener open=adding label="Attach a document" testid="record-document-new" link=true />
                        <Show when=move || adding.get()>
                            <UploadForm fixed=Some((kind, id)) done=done close=Callback::new(move |()| adding.set(false)) />
                        </Show>
                    }
                })}
        </div>
    }
}

#[component]
fn DocumentItem(doc: Document, show_subject: bool, uploader: bool, done: Done) -> impl IntoView {
    let records = expect_context::<Records>();
    let adding = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let subject = show_subject.then(|| {
        let doc = doc.clone();
        move || format!("Attached to: {}", subject_of(&doc, &records.subjects()))
    });
    let (account_id, document_id) = (doc.account_id, doc.id);
    let latest = doc.versions.first().cloned();
    let earlier: Vec<DocumentVersion> = doc.versions.iter().skip(1).cloned().collect();
    let title = doc.title.clone();
    view! {
        <li class="document" data-testid="document" data-subject=doc.subject_type.as_str()>
            <p class="title">
                <strong data-testid="document-title">{doc.title.clone()}</strong>
                " "
                <span class="badge" data-testid="document-version">{format!("v{}", doc.latest_version)}</span>
            </p>
            {subject.map(|s| view! { <p class="muted small" data-testid="document-subject">{s}</p> })}
            {latest
                .map(|v| {
                    view! {
                        <p class="version">
                            <span class="small">{version_line(&v)}</span>
                            " "
                            <Download account_id=account_id document_id=document_id version=v problem=problem title=title.clone() />
                        </p>
                    }
                })}
            {(!earlier.is_empty())
                .then(|| {
                    view! {
                        <details class="versions" data-testid="document-history">
                            <summary>{format!("Earlier versions ({})", earlier.len())}</summary>
                            <ol>
                                {earlier
                                    .into_iter()
                                    .map(|v| {
                                        let n = v.version;
                                        view! {
                                            <li value=n data-testid="document-old-version">
                                                <span class="small">{format!("v{n}: {}", version_line(&v))}</span>
                                                " "
                                                <Download
                                                    account_id=account_id
                                                    document_id=document_id
                                                    version=v
                                                    problem=problem
                                                    title=title.clone()
                                                />
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </details>
                    }
                })}
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p.message()}</p> })}
            {uploader
                .then(|| {
                    view! {
                        <Opener open=adding label="Upload a new version" testid="document-new-version" link=true />
                        <Show when=move || adding.get()>
                            <VersionForm doc_id=document_id account_id=account_id next=doc.latest_version + 1 done=done close=Callback::new(move |()| adding.set(false)) />
                        </Show>
                    }
                })}
        </li>
    }
}

/// A version's download: its bytes fetched with the token, saved under its file name.
#[component]
fn Download(
    account_id: Uuid,
    document_id: Uuid,
    version: DocumentVersion,
    problem: RwSignal<Option<Problem>>,
    title: String,
) -> impl IntoView {
    let fetching = RwSignal::new(false);
    let n = version.version;
    let (name, mime) = (StoredValue::new(version.file_name.clone()), StoredValue::new(version.content_type.clone()));
    let download = move |_| {
        if fetching.get_untracked() {
            return;
        }
        fetching.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::documents::download(account_id, document_id, n).await;
            let _ = fetching.try_set(false);
            if let Err(p) = r.and_then(|bytes| save_bytes(&bytes, &mime.get_value(), &name.get_value())) {
                let _ = problem.try_set(Some(p));
            }
        });
    };
    view! {
        <button
            type="button"
            class="link"
            on:click=download
            disabled=move || fetching.get()
            aria-label=format!("Download {title}, version {n}")
            data-testid="document-download"
            data-version=n
        >
            {move || if fetching.get() { "Downloading…" } else { "Download" }}
        </button>
    }
}

/// The file input of an upload form, with what a refusal says of the file beside it.
#[component]
fn FileInput(
    id: String,
    file: StoredValue<Option<web_sys::File>, LocalStorage>,
    problem: RwSignal<Option<Problem>>,
    input: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        problem.set(None);
        let f = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|files| files.get(0));
        file.set_value(f);
    };
    let said = move || problem.with(|p| p.as_ref().and_then(file_message));
    let error_id = format!("{id}-error");
    view! {
        <label for=id.clone()>"File"</label>
        <input
            node_ref=input
            id=id.clone()
            name="file"
            type="file"
            required
            accept=accept()
            aria-invalid=move || said().map(|_| "true")
            aria-describedby=format!("{id}-help {error_id}")
            data-testid="document-file"
            on:change=on_change
        />
        <span class="muted small" id=format!("{id}-help")>
            "PDF, PNG, JPEG, Word, Excel, PowerPoint or OpenDocument."
        </span>
        {move || {
            said()
                .map(|m| {
                    view! {
                        <span class="field-error" role="alert" data-field="file" id=error_id.clone() data-testid="document-file-error">
                            {m}
                        </span>
                    }
                })
        }}
    }
}

/// The file chosen, checked by its name and size, or the problem to show beside it.
fn chosen(file: StoredValue<Option<web_sys::File>, LocalStorage>) -> Result<web_sys::File, Problem> {
    let f = file.get_value().ok_or_else(|| Problem::invalid("file", "Choose the file."))?;
    check_name(&f.name(), f.size())?;
    Ok(f)
}

/// A new document: its file, a title, and what it is attached to — `fixed`, or chosen
/// among the account's records.
#[component]
fn UploadForm(fixed: Option<(DocumentSubject, Uuid)>, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let file = StoredValue::new_local(None::<web_sys::File>);
    let input = NodeRef::<leptos::html::Input>::new();
    let title = RwSignal::new(String::new());
    // The subject chosen, as `kind:id` (the account's by default).
    let subject = RwSignal::new(format!("{}:{}", DocumentSubject::Account, records.account_id));
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let p = match fixed {
        Some((_, id)) => format!("upload-{id}"),
        None => "upload".to_string(),
    };
    let account_id = records.account_id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let f = match chosen(file) {
            Ok(f) => f,
            Err(p) => return submission.refuse(p),
        };
        let on = fixed.or_else(|| {
            let s = subject.get_untracked();
            let (kind, id) = s.split_once(':')?;
            let kind: DocumentSubject = kind.parse().ok()?;
            (kind != DocumentSubject::Account).then_some((kind, id.parse().ok()?))
        });
        let t = title.get_untracked();
        submission.run(
            move |_| async move { api::documents::upload(account_id, &f, &t, on).await },
            move |d| {
                done.set(Some(format!("“{}” uploaded.", d.title)));
                title.set(String::new());
                file.set_value(None);
                if let Some(i) = input.get_untracked() {
                    i.set_value("");
                }
                close.run(());
                records.documents.again();
            },
        );
    };
    let subjects = move || records.subjects();
    let placed: &[&str] = &["file", "title", "subject_type", "subject_id"];
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="upload-form">
            {fixed.is_none().then(|| view! { <h3>"Upload a document"</h3> })}
            <FileInput id=format!("{p}-file") file=file problem=problem input=input />
            <label for=format!("{p}-title")>"Title (optional: the file's name)"</label>
            <input
                id=format!("{p}-title")
                name="title"
                maxlength="200"
                aria-invalid=invalid(problem, "title")
                aria-describedby=format!("{p}-title-error")
                bind:value=title
                data-testid="document-title-input"
            />
            <Said problem=problem field="title" id=format!("{p}-title") />
            {fixed
                .is_none()
                .then(|| {
                    view! {
                        <label for=format!("{p}-subject")>"Attached to"</label>
                        <select
                            id=format!("{p}-subject")
                            name="subject"
                            aria-describedby=format!("{p}-subject-error")
                            data-testid="document-subject-select"
                            bind:value=subject
                        >
                            {move || {
                                subjects()
                                    .into_iter()
                                    .map(|Subject { kind, id, name }| {
                                        view! { <option value=format!("{kind}:{id}")>{name}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <Said problem=problem field="subject_id" id=format!("{p}-subject") />
                        <Said problem=problem field="subject_type" id=format!("{p}-subject") />
                    }
                })}
            {move || {
                problem
                    .with(|pr| pr.as_ref().and_then(|pr| general_message(pr, placed)))
                    .map(|m| view! { <p class="form-error" role="alert" data-testid="form-error">{m}</p> })
            }}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="document-upload">
                    {move || if pending.get() { "Uploading…" } else { "Upload" }}
                </button>
                <button type="button" class="link" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The next version of a document.
#[component]
fn VersionForm(doc_id: Uuid, account_id: Uuid, next: i32, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let file = StoredValue::new_local(None::<web_sys::File>);
    let input = NodeRef::<leptos::html::Input>::new();
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let f = match chosen(file) {
            Ok(f) => f,
            Err(p) => return submission.refuse(p),
        };
        submission.run(
            move |_| async move { api::documents::add_version(account_id, doc_id, &f).await },
            move |d| {
                done.set(Some(format!("Version {} of “{}” uploaded.", d.latest_version, d.title)));
                close.run(());
                records.documents.again();
            },
        );
    };
    view! {
        <form class="step" on:submit=submit data-testid="version-form">
            <FileInput id=format!("version-{doc_id}-file") file=file problem=problem input=input />
            {move || {
                problem
                    .with(|pr| pr.as_ref().and_then(|pr| general_message(pr, &["file"])))
                    .map(|m| view! { <p class="form-error" role="alert" data-testid="form-error">{m}</p> })
            }}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="version-upload">
                    {move || if pending.get() { "Uploading…".to_string() } else { format!("Upload version {next}") }}
                </button>
                <button type="button" class="link" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_refused_by_its_name_before_it_is_sent() {
        assert_eq!(check_name("claim.PDF", 10.0), Ok(()));
        assert_eq!(check_name("scan.jpeg", 10.0), Ok(()));
        let exe = check_name("setup.exe", 10.0).unwrap_err();
        assert!(exe.field("file").unwrap().starts_with(".exe files are not accepted"), "{exe:?}");
        assert!(check_name("README", 10.0).unwrap_err().field("file").unwrap().contains("no extension"));
        assert!(check_name("claim.pdf", 0.0).unwrap_err().field("file").unwrap().contains("empty"));
        assert!(accept().starts_with(".pdf,.png,.jpg"));
    }

    #[test]
    fn a_refused_file_is_said_beside_the_input() {
        let content = Problem {
            status: 415,
            title: "Unsupported media type".into(),
            detail: "the file is named .pdf but its content is not a PDF document".into(),
            errors: Some([("file".to_string(), vec!["the file is named .pdf but …".to_string()])].into()),
            ..Problem::default()
        };
        assert_eq!(file_message(&content).as_deref(), Some("the file is named .pdf but …"));
        assert_eq!(general_message(&content, &["file"]), None, "said once, beside the file");
        let large = Problem {
            status: 413,
            title: "Payload too large".into(),
            detail: "at most 20971520 bytes".into(),
            ..Problem::default()
        };
        assert_eq!(file_message(&large).as_deref(), Some("Payload too large: at most 20971520 bytes"));
        assert_eq!(general_message(&large, &["file"]), None);
        let bare = Problem { status: 413, title: "The server answered 413".into(), ..Problem::default() };
        assert_eq!(file_message(&bare).as_deref(), Some("The file is larger than the server accepts."));
        let other = Problem { status: 404, title: "Not found".into(), ..Problem::default() };
        assert_eq!(file_message(&other), None);
        assert_eq!(general_message(&other, &["file"]).as_deref(), Some("Not found"));
    }
}
