//! The `debtflow` command as an operator runs it.

use std::process::Command;

fn debtflow() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_debtflow"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

#[test]
fn bad_configuration_stops_with_one_line_naming_the_variable() {
    for (var, value) in [
        ("BIND_ADDR", "not-an-address"),
        ("DATABASE_URL", "mysql://localhost/debtflow"),
        ("RATE_LIMIT_PER_IP", "-5"),
        ("BODY_LIMIT_BYTES", "1MB"),
    ] {
        let output = debtflow().arg("serve").env(var, value).output().unwrap();

        assert_eq!(output.status.code(), Some(78), "{var}: exits with EX_CONFIG");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{var}: one line, got {stderr:?}");
        assert!(stderr.starts_with(&format!("configuration error: {var}:")), "{stderr}");
    }
}

#[test]
fn production_without_a_jwt_secret_does_not_start() {
    let output = debtflow().arg("migrate").env("APP_ENV", "production").output().unwrap();

    assert_eq!(output.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&output.stderr).contains("JWT_SECRET"));
}

#[test]
fn the_committed_openapi_json_is_what_the_code_generates() {
    let output = debtflow().arg("openapi").output().unwrap();
    assert!(output.status.success());
    let generated = String::from_utf8(output.stdout).unwrap();
    let committed = include_str!("../../../openapi/openapi.json");

    assert!(
        generated == committed,
        "openapi/openapi.json differs from the code: run `make openapi` and commit the result"
    );
}
