//! The real `entraide` binary as the tests run it: on a data directory of their own, never
//! on a database, NATS server or posts subject that the environment may name.
#![allow(dead_code)] // each test binary uses a different part of the harness

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `entraide ARGS --data DATA`, with the settings that would reach outside the test removed.
pub fn entraide(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_entraide"));
    cmd.args(args)
        .arg("--data")
        .arg(data)
        .env_remove("ENTRAIDE_DATABASE_URL")
        .env_remove("ENTRAIDE_NATS_URL")
        .env_remove("ENTRAIDE_TRENDS_NATS_SUBJECT")
        .env("RUST_LOG", "warn");
    cmd
}

/// A running `entraide serve`, killed when dropped so a failed test leaves no server behind.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `entraide serve` on a free port with `extra` arguments, once `/healthz` answers.
pub async fn serve(data: &Path, extra: &[&str]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen];
    args.extend_from_slice(extra);
    let child = entraide(data, &args).stdout(Stdio::null()).spawn().unwrap();
    let server = Server {
        child,
        base: format!("http://{listen}"),
    };
    for _ in 0..200 {
        if reqwest::get(format!("{}/healthz", server.base))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}
