//! Where imported files are kept: a local directory by default, or any store the
//! `object_store` crate reaches by URL (`IMPORT_STORAGE=s3://bucket/prefix`, with the
//! usual `AWS_*` variables for credentials, region and an S3-compatible endpoint).
//! Files are kept as they arrived, under `<agency>/<import>.csv`, for the audit trail
//! and so an interrupted import can be resumed from the very same bytes.
//!
//! Documents on accounts are kept in the same store, under
//! `<agency>/documents/<document>/<version>` ([`Storage::document_key`]); they are small
//! enough (`DOCUMENT_MAX_BYTES`) to be written and read whole ([`Storage::put_bytes`],
//! [`Storage::get_bytes`]).

use futures_util::StreamExt;
use object_store::{local::LocalFileSystem, path::Path as StorePath, ObjectStore, WriteMultipart};
use std::{io::Read, path::Path, sync::Arc};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("file storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("file storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("file storage: bad IMPORT_STORAGE URL: {0}")]
    Url(String),
}

/// The store of imported files.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({}, {})", self.store, self.prefix)
    }
}

impl Storage {
    /// A directory on this machine (created if missing).
    pub fn local(dir: &Path) -> Result<Storage, StorageError> {
        std::fs::create_dir_all(dir)?;
        Ok(Storage { store: Arc::new(LocalFileSystem::new_with_prefix(dir)?), prefix: StorePath::default() })
    }

    /// `file:///abs/dir`, a plain directory path, or an object-store URL (`s3://…`).
    pub fn from_url(url: &str) -> Result<Storage, StorageError> {
        if !url.contains("://") {
            return Self::local(Path::new(url));
        }
        let parsed = url::Url::parse(url).map_err(|e| StorageError::Url(e.to_string()))?;
        if parsed.scheme() == "file" {
            let dir = parsed.to_file_path().map_err(|()| StorageError::Url(url.to_owned()))?;
            return Self::local(&dir);
        }
        let options = std::env::vars().filter(|(k, _)| k.starts_with("AWS_")).map(|(k, v)| (k.to_lowercase(), v));
        let (store, prefix) = object_store::parse_url_opts(&parsed, options)?;
        Ok(Storage { store: Arc::from(store), prefix })
    }

    /// The key of an import's file.
    pub fn key(agency_id: Uuid, import_id: Uuid) -> String {
        format!("{agency_id}/{import_id}.csv")
    }

    /// The key of a version of a document: `<agency>/documents/<document>/<version>`.
    pub fn document_key(agency_id: Uuid, document_id: Uuid, version: i32) -> String {
        format!("{agency_id}/documents/{document_id}/{version}")
    }

    fn path(&self, key: &str) -> StorePath {
        self.prefix.parts().chain(StorePath::from(key).parts()).collect()
    }

    /// Stores the local file at `from` under `key`, streaming.
    pub async fn put(&self, key: &str, from: &Path) -> Result<(), StorageError> {
        let upload = self.store.put_multipart(&self.path(key)).await?;
        let mut writer = WriteMultipart::new(upload);
        let mut file = std::fs::File::open(from)?;
        let mut buf = vec![0u8; 4 << 20];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(4).await?;
            writer.write(&buf[..n]);
        }
        writer.finish().await?;
        Ok(())
    }

    /// Stores `bytes` under `key` (replacing what was there) in one request.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.store.put(&self.path(key), bytes.into()).await?;
        Ok(())
    }

    /// The whole file under `key`, in memory.
    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        Ok(self.store.get(&self.path(key)).await?.bytes().await?.to_vec())
    }

    /// A local copy of the file under `key`, deleted when dropped.
    pub async fn fetch(&self, key: &str) -> Result<tempfile::TempPath, StorageError> {
        let temp = tempfile::NamedTempFile::new()?.into_temp_path();
        let mut out = tokio::fs::File::create(&temp).await?;
        let mut stream = self.store.get(&self.path(key)).await?.into_stream();
        while let Some(chunk) = stream.next().await {
            out.write_all(&chunk?).await?;
        }
        out.flush().await?;
        Ok(temp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_comes_back_byte_for_byte() {
        let dir = tempfile::tempdir().expect("dir");
        let storage = Storage::from_url(&format!("file://{}", dir.path().display())).expect("local");
        let src = tempfile::NamedTempFile::new().expect("src");
        let bytes: Vec<u8> = (0..9_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(src.path(), &bytes).expect("write");
        let key = Storage::key(Uuid::nil(), Uuid::max());
        storage.put(&key, src.path()).await.expect("put");
        assert!(dir.path().join(&key).exists(), "kept under <agency>/<import>.csv");
        let copy = storage.fetch(&key).await.expect("fetch");
        assert_eq!(std::fs::read(&copy).expect("read"), bytes);
    }

    #[tokio::test]
    async fn a_document_version_is_kept_under_its_own_key() {
        let dir = tempfile::tempdir().expect("dir");
        let storage = Storage::local(dir.path()).expect("local");
        let (agency, document) = (Uuid::nil(), Uuid::max());
        let key = Storage::document_key(agency, document, 2);
        assert_eq!(key, format!("{agency}/documents/{document}/2"));
        storage.put_bytes(&key, b"%PDF-1.7 v2".to_vec()).await.expect("put");
        storage.put_bytes(&Storage::document_key(agency, document, 1), b"v1".to_vec()).await.expect("put");
        assert_eq!(storage.get_bytes(&key).await.expect("get"), b"%PDF-1.7 v2");
        assert!(storage.get_bytes(&Storage::document_key(agency, document, 3)).await.is_err(), "no such version");
    }
}
