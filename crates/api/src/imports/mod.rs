//! Getting placement files in: how an agency's CSV files reach the import pipeline.
//! `sftp` fetches them from the agency's SFTP server (list the inbox, download, move to
//! the processed folder once the import committed).

pub mod sftp;
