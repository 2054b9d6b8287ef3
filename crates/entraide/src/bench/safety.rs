//! `entraide bench safety`: durable safety marks per second over HTTP, and their latency.
//!
//! It starts a real server in this process on a fresh database (a temporary SQLite
//! directory, or a scratch database on the PostgreSQL server given), with N people in an
//! active crisis, then:
//! 1. closed loop: C connections each send marks back to back for the duration: the most
//!    marks per second the server makes durable;
//! 2. open loop at half that rate: marks are sent on a fixed schedule whatever the answers,
//!    and latency is counted from the scheduled time (no coordinated omission).
//!
//! Three more phases say where the ceiling is: the same marks handed to the store with no
//! HTTP (what the store allows); the same requests sent to a server that answers each at
//! once without doing anything (what HTTP and the load generator allow); and requests that
//! take a mark's whole request path but are refused before the store (what the request
//! path allows).
//!
//! The load generator shares the machine's cores with the server, so the figures are a
//! floor for a server on its own machine. It runs on threads of its own (`LoadGenerator`),
//! as a separate process would, while the server runs on the process's runtime as under
//! `entraide serve`.

use super::{Latency, micros_histogram, record};
use anyhow::Context;
use clap::Args;
use entraide_bus::Bus;
use entraide_core::{AccountId, Crisis, CrisisId, CrisisStatus, Handle, NewCrisis, Role};
use entraide_server::{AppState, ServerConfig};
use entraide_store::scratch::ScratchDatabase;
use entraide_store::{Database, DynStore, MarkAction, MarkWrite, NewAccount, NewSession};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct SafetyBench {
    /// People in the crisis zone (each mark is one of them answering).
    #[arg(long, default_value_t = 10_000)]
    people: usize,
    /// Connections sending marks at once in the closed-loop phase.
    #[arg(long, default_value_t = 128)]
    connections: usize,
    /// Seconds each phase runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// A PostgreSQL server to measure instead of SQLite (a scratch database is created on
    /// it and dropped afterwards), e.g. postgres://postgres@127.0.0.1:5432/postgres.
    #[arg(long)]
    postgres: Option<String>,
    /// The contacts of the person whose contacts' statuses are read (the read phase).
    #[arg(long, default_value_t = 500)]
    contacts: usize,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, serde::Serialize)]
struct Results {
    backend: &'static str,
    people: usize,
    connections: usize,
    closed_loop_marks_per_s: f64,
    closed_loop: Latency,
    open_loop_rate_per_s: f64,
    open_loop_achieved_per_s: f64,
    open_loop: Latency,
    marks_per_commit: f64,
    /// Marks per second through `Store::mark` with no HTTP: the ceiling the store sets.
    store_alone_marks_per_s: f64,
    /// Requests per second to a server that answers each mark's request at once, with a
    /// mark's answer, and does nothing else: the ceiling HTTP and the load generator set.
    http_alone_requests_per_s: f64,
    /// Requests per second through a mark's whole request path (middleware, session, body,
    /// validation), each refused before the store: the ceiling the request path sets.
    request_path_alone_per_s: f64,
    /// Reading the statuses of a person's contacts (GET /crises/{id}/contacts).
    contact_statuses: Latency,
    contacts_listed: usize,
    errors: u64,
}

pub async fn run(args: SafetyBench) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let scratch = match &args.postgres {
        Some(url) => Some(ScratchDatabase::create(url, "entraide_bench").await?),
        None => None,
    };
    let database = match &scratch {
        Some(db) => Database::Postgres(db.url.clone()),
        None => Database::Sqlite(temp.path().to_path_buf()),
    };
    let outcome = measure(&args, &database).await;
    if let Some(db) = scratch {
        db.drop().await?;
    }
    let results = outcome?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        print_results(&results);
    }
    Ok(())
}

async fn measure(args: &SafetyBench, database: &Database) -> anyhow::Result<Results> {
    let store = entraide_store::open(database)
        .await
        .context("opening the store")?;
    eprintln!(
        "preparing {} people in an active crisis on {}…",
        args.people,
        store.backend()
    );
    let (crisis, people) = prepare(&store, args.people).await?;
    let contacts = befriend_first(&store, &people, args.contacts).await?;
    let reader_token = people[0].1.clone();
    let ids: Vec<AccountId> = people.iter().map(|&(id, _)| id).collect();
    let tokens = people.into_iter().map(|(_, token)| token).collect();

    let state = AppState::new(store.clone(), Bus::local(), ServerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let target = Arc::new(Target {
        addr: listener.local_addr()?,
        path: format!("/api/v1/crises/{crisis}/safety"),
        tokens,
    });
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(entraide_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let errors = Arc::new(AtomicU64::new(0));
    let phase = Duration::from_secs(args.seconds);
    let load = LoadGenerator::new()?;

    eprintln!(
        "closed loop: {} connections for {} s…",
        args.connections, args.seconds
    );
    let before = store.write_stats();
    let (closed_rate, closed) = load
        .run(closed_loop(
            target.clone(),
            Requests::Marks,
            args.connections,
            phase,
            errors.clone(),
        ))
        .await?;
    let after = store.write_stats();
    let marks_per_commit =
        (after.marks - before.marks) as f64 / (after.commits - before.commits).max(1) as f64;

    let open_rate = (closed_rate / 2.0).max(1.0);
    eprintln!(
        "open loop at {open_rate:.0} marks/s for {} s…",
        args.seconds
    );
    let (open_achieved, open) = load
        .run(open_loop(target.clone(), open_rate, phase, errors.clone()))
        .await?;

    eprintln!(
        "the store alone: {} writers for {} s…",
        args.connections, args.seconds
    );
    let store_alone_rate = store_alone(&store, crisis, &ids, args.connections, phase).await?;

    eprintln!(
        "HTTP alone: {} connections to a server that only answers, for {} s…",
        args.connections, args.seconds
    );
    let http_alone_rate = http_alone(&load, &target, args.connections, phase, &errors).await?;

    eprintln!(
        "the request path alone: {} connections sending marks refused before the store, for {} s…",
        args.connections, args.seconds
    );
    let (request_path_rate, _) = load
        .run(closed_loop(
            target.clone(),
            Requests::Refused,
            args.connections,
            phase,
            errors.clone(),
        ))
        .await?;

    eprintln!("reading the statuses of {contacts} contacts…");
    let (contact_statuses, contacts_listed) = load
        .run(read_contact_statuses(target.clone(), reader_token, crisis))
        .await?;

    let _ = stop_server.send(());
    server.await??;
    Ok(Results {
        backend: store.backend(),
        people: args.people,
        connections: args.connections,
        closed_loop_marks_per_s: closed_rate,
        closed_loop: closed,
        open_loop_rate_per_s: open_rate,
        open_loop_achieved_per_s: open_achieved,
        open_loop: open,
        marks_per_commit,
        store_alone_marks_per_s: store_alone_rate,
        http_alone_requests_per_s: http_alone_rate,
        request_path_alone_per_s: request_path_rate,
        contact_statuses,
        contacts_listed,
        errors: errors.load(Ordering::Relaxed),
    })
}

/// N people with a session each, and an active crisis. Written through the store directly:
/// hashing N passwords would measure Argon2, not the Safety Check.
async fn prepare(
    store: &DynStore,
    people: usize,
) -> anyhow::Result<(CrisisId, Vec<(AccountId, String)>)> {
    let now = chrono::Utc::now();
    let password_hash = entraide_server::auth::hash_password("bench password, never used")?;
    let created = futures::future::try_join_all((0..people).map(|i| {
        let store = store.clone();
        let password_hash = password_hash.clone();
        async move {
            let token = entraide_server::auth::new_token();
            let account = NewAccount {
                id: AccountId::new(),
                handle: Handle::parse(&format!("bench{i}")).expect("valid handle"),
                display_name: format!("Bench {i}"),
                password_hash,
                role: Role::Person,
                created_at: now,
            };
            let id = account.id;
            store.create_account(account).await?;
            let session = NewSession {
                token_hash: entraide_server::auth::token_hash(&token),
                account: id,
                csrf_token: String::new(),
                created_at: now,
                expires_at: now + chrono::Duration::days(1),
            };
            store.create_session(session).await?;
            Ok::<_, entraide_store::StoreError>((id, token))
        }
    }))
    .await?;
    let area = serde_json::json!({"center": [2.3708, 48.8631], "radius_m": 1500});
    let new = NewCrisis::parse("Benchmark", "", "attack", &area, None, None, now)?;
    let crisis = Crisis {
        status: CrisisStatus::Active,
        ..new.into_proposed(CrisisId::new(), None, now)
    };
    store.create_crisis(&crisis).await?;
    let ids: Vec<AccountId> = created.iter().map(|(id, _)| *id).collect();
    store.add_prompts(crisis.id, &ids, now).await?;
    Ok((crisis.id, created))
}

/// Makes the first person a mutual contact of the next `contacts` people; returns how many.
async fn befriend_first(
    store: &DynStore,
    people: &[(AccountId, String)],
    contacts: usize,
) -> anyhow::Result<usize> {
    let now = chrono::Utc::now();
    let Some(((first, _), others)) = people.split_first() else {
        return Ok(0);
    };
    let others = &others[..contacts.min(others.len())];
    futures::future::try_join_all(others.iter().map(|(other, _)| async move {
        store.request_contact(*first, *other, now).await?;
        store.accept_contact(*other, *first, now).await
    }))
    .await?;
    Ok(others.len())
}

/// The latency of reading one's contacts' statuses, after the marks phases gave them one;
/// also how many contacts the answer listed, to show the read did the whole work.
async fn read_contact_statuses(
    target: Arc<Target>,
    token: String,
    crisis: CrisisId,
) -> anyhow::Result<(Latency, usize)> {
    const READS: usize = 2_000;
    let mut connection = Connection::open(&target).await?;
    let path = format!("/api/v1/crises/{crisis}/contacts");
    let mut histogram = micros_histogram();
    let mut listed = 0;
    for _ in 0..READS {
        let sent = Instant::now();
        let (status, body) = connection
            .send("GET", &path, &token, b"")
            .await
            .context("reading contact statuses")?;
        record(&mut histogram, sent.elapsed());
        anyhow::ensure!(status == 200, "contact statuses answered {status}");
        listed = serde_json::from_slice::<Vec<serde_json::Value>>(&body)?.len();
    }
    Ok((Latency::of(&histogram), listed))
}

const STATUSES: [&str; 3] = ["safe", "need_help", "not_in_area"];

/// The `n`th mark among `people` people: (whose, which status). Everyone marks in turn, and
/// each turn with the next status, so every mark changes the one standing. The HTTP loops and
/// the store-alone phase share it, so they write the same marks.
fn nth_mark(n: usize, people: usize) -> (usize, &'static str) {
    (n % people, STATUSES[(n / people) % STATUSES.len()])
}

/// What the requests of a loop are, and which answer counts as served.
#[derive(Clone, Copy)]
enum Requests {
    /// Marks, acknowledged (201) once durable.
    Marks,
    /// Marks with a status that doesn't exist, refused (422) once the session, the body and
    /// its validation have run: a mark's request path without the store.
    Refused,
}

/// The load generator's threads: a Tokio runtime of its own, with a worker per core, as a
/// separate process such as wrk would have. On the server's runtime, its tasks and the
/// server's were stolen back and forth between the two workers, and the closed loop
/// measured the scheduler's churn as much as the server (README, Performance: 1.11x fewer
/// marks per second than with runtimes apart).
struct LoadGenerator(Option<tokio::runtime::Runtime>);

impl LoadGenerator {
    fn new() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("entraide-load")
            .enable_all()
            .build()?;
        Ok(Self(Some(runtime)))
    }

    /// Runs a phase's requests on the load generator's threads.
    async fn run<T: Send + 'static>(
        &self,
        phase: impl Future<Output = anyhow::Result<T>> + Send + 'static,
    ) -> anyhow::Result<T> {
        let runtime = self.0.as_ref().expect("the runtime lives until dropped");
        runtime.spawn(phase).await?
    }
}

impl Drop for LoadGenerator {
    fn drop(&mut self) {
        // Dropped from the server's runtime, where waiting for threads to stop is not allowed.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// One keep-alive HTTP/1.1 connection, as a phone would hold, spoken directly on the socket:
/// the load generator shares the cores with the server, so each request is one write of
/// bytes built in a reused buffer and each answer one or two reads, parsed only as far as
/// the status and the length (measured against a hyper client: 1.3× the marks per second).
struct Connection {
    stream: tokio::net::TcpStream,
    target: Arc<Target>,
    request: Vec<u8>,
    /// Bytes read and not yet consumed (an answer's start, or a whole one).
    received: Vec<u8>,
}

/// Where marks go.
struct Target {
    addr: std::net::SocketAddr,
    path: String,
    tokens: Vec<String>,
}

impl Connection {
    async fn open(target: &Arc<Target>) -> anyhow::Result<Self> {
        let stream = tokio::net::TcpStream::connect(target.addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            target: target.clone(),
            request: Vec::with_capacity(512),
            received: Vec::with_capacity(4096),
        })
    }

    /// Sends the `n`th mark; true when it was answered as `requests` expects.
    async fn mark(&mut self, n: usize, requests: Requests) -> bool {
        let target = self.target.clone();
        let (person, status) = nth_mark(n, target.tokens.len());
        let (status, served) = match requests {
            Requests::Marks => (status, 201),
            Requests::Refused => ("unheard_of", 422),
        };
        let body = format!(r#"{{"status":"{status}"}}"#);
        let token = &target.tokens[person];
        self.send("POST", &target.path, token, body.as_bytes())
            .await
            .is_ok_and(|(status, _)| status == served)
    }

    /// Sends one request and reads its whole answer: (status, body).
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &[u8],
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        use std::io::Write as _;
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        self.request.clear();
        write!(
            self.request,
            "{method} {path} HTTP/1.1\r\nhost: bench\r\nauthorization: Bearer {token}\r\n"
        )?;
        if !body.is_empty() {
            write!(
                self.request,
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            )?;
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        self.stream.write_all(&self.request).await?;
        loop {
            if let Some((status, header_len, body_len)) = parse_head(&self.received)?
                && self.received.len() >= header_len + body_len
            {
                let body = self.received[header_len..header_len + body_len].to_vec();
                self.received.drain(..header_len + body_len);
                return Ok((status, body));
            }
            if self.stream.read_buf(&mut self.received).await? == 0 {
                anyhow::bail!("the server closed the connection");
            }
        }
    }
}

/// An answer's (status, head length, body length), once its head has arrived. The server
/// gives every answer here a content-length; one without (chunked) is an error, not a hang.
fn parse_head(received: &[u8]) -> anyhow::Result<Option<(u16, usize, usize)>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head_len) = response.parse(received)? else {
        return Ok(None);
    };
    let length = response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .context("an answer without content-length")?;
    let length = std::str::from_utf8(length.value)?.trim().parse()?;
    Ok(Some((response.code.unwrap_or(0), head_len, length)))
}

/// The same marks as the closed loop, handed to the store directly by `writers` tasks: what
/// the store can make durable with no HTTP in front, hence how much of a mark's cost is the
/// store's.
async fn store_alone(
    store: &DynStore,
    crisis: CrisisId,
    people: &[AccountId],
    writers: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let people: Arc<[AccountId]> = people.into();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let (store, people, stop) = (store.clone(), people.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = writer;
                let mut marked = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let (person, status) = nth_mark(n, people.len());
                    let write = MarkWrite {
                        crisis,
                        account: people[person],
                        action: MarkAction::Own {
                            status: status.parse().expect("a status"),
                            message: None,
                        },
                        at: chrono::Utc::now(),
                    };
                    store.mark(write).await?;
                    marked += 1;
                    n += writers;
                }
                Ok::<_, entraide_store::StoreError>(marked)
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut marked = 0;
    for task in tasks {
        marked += task.await??;
    }
    Ok(marked as f64 / started.elapsed().as_secs_f64())
}

/// The closed loop against a server that answers every request at once with the bytes of a
/// real mark's answer, through the same `axum::serve` and the same load generator, and does
/// nothing else: no middleware, no session, no store. The gap between this and the closed
/// loop is what a mark costs beyond HTTP itself.
async fn http_alone(
    load: &LoadGenerator,
    target: &Arc<Target>,
    connections: usize,
    duration: Duration,
    errors: &Arc<AtomicU64>,
) -> anyhow::Result<f64> {
    let (status, answer) = Connection::open(target)
        .await?
        .send(
            "POST",
            &target.path,
            &target.tokens[0],
            br#"{"status":"safe"}"#,
        )
        .await?;
    anyhow::ensure!(status == 201, "a mark answered {status}");
    let answer = axum::body::Bytes::from(answer);
    let answering = axum::Router::new().route(
        &target.path,
        axum::routing::post(move || {
            let answer = answer.clone();
            async move {
                (
                    axum::http::StatusCode::CREATED,
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    answer,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let only_answers = Arc::new(Target {
        addr: listener.local_addr()?,
        path: target.path.clone(),
        tokens: target.tokens.clone(),
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, answering)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let (rate, _) = load
        .run(closed_loop(
            only_answers,
            Requests::Marks,
            connections,
            duration,
            errors.clone(),
        ))
        .await?;
    let _ = stop.send(());
    server.await??;
    Ok(rate)
}

async fn closed_loop(
    target: Arc<Target>,
    requests: Requests,
    connections: usize,
    duration: Duration,
    errors: Arc<AtomicU64>,
) -> anyhow::Result<(f64, Latency)> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut opened = Vec::with_capacity(connections);
    for _ in 0..connections {
        opened.push(Connection::open(&target).await?);
    }
    let started = Instant::now();
    let workers: Vec<_> = opened
        .into_iter()
        .enumerate()
        .map(|(worker, mut connection)| {
            let (stop, errors) = (stop.clone(), errors.clone());
            tokio::spawn(async move {
                let mut histogram = micros_histogram();
                let mut n = worker;
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    if connection.mark(n, requests).await {
                        record(&mut histogram, sent.elapsed());
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    n += connections;
                }
                histogram
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    acknowledged(workers, started).await
}

/// Merges the workers' latencies: marks acknowledged per second since `started`, and their
/// latency.
async fn acknowledged(
    workers: Vec<tokio::task::JoinHandle<hdrhistogram::Histogram<u64>>>,
    started: Instant,
) -> anyhow::Result<(f64, Latency)> {
    let mut all = micros_histogram();
    for w in workers {
        all.add(w.await?)?;
    }
    Ok((
        all.len() as f64 / started.elapsed().as_secs_f64(),
        Latency::of(&all),
    ))
}

/// Marks sent on a fixed schedule, whatever the answers: latency counts from the time a mark
/// was due, so a slow answer that delays the next send is counted, not hidden.
async fn open_loop(
    target: Arc<Target>,
    rate: f64,
    duration: Duration,
    errors: Arc<AtomicU64>,
) -> anyhow::Result<(f64, Latency)> {
    const CONNECTIONS: usize = 256;
    let total = (rate * duration.as_secs_f64()) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now() + Duration::from_millis(100);
    let mut workers = Vec::with_capacity(CONNECTIONS);
    for worker in 0..CONNECTIONS {
        let mut connection = Connection::open(&target).await?;
        let errors = errors.clone();
        workers.push(tokio::spawn(async move {
            let mut histogram = micros_histogram();
            for n in (worker..total).step_by(CONNECTIONS) {
                let due = started + interval.mul_f64(n as f64);
                tokio::time::sleep_until(due.into()).await;
                if connection.mark(n, Requests::Marks).await {
                    record(&mut histogram, due.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            histogram
        }));
    }
    acknowledged(workers, started).await
}

fn print_results(r: &Results) {
    println!(
        "safety marks over HTTP, durable ({}; {} people)",
        r.backend, r.people
    );
    println!(
        "  closed loop, {} connections: {:.0} marks/s   p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        r.connections,
        r.closed_loop_marks_per_s,
        r.closed_loop.p50_ms,
        r.closed_loop.p99_ms,
        r.closed_loop.max_ms
    );
    println!(
        "  open loop at {:.0}/s (achieved {:.0}/s): p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        r.open_loop_rate_per_s,
        r.open_loop_achieved_per_s,
        r.open_loop.p50_ms,
        r.open_loop.p99_ms,
        r.open_loop.max_ms
    );
    println!(
        "  marks per commit (group commit): {:.1}",
        r.marks_per_commit
    );
    println!(
        "  the store alone (no HTTP), {} writers: {:.0} marks/s",
        r.connections, r.store_alone_marks_per_s
    );
    println!(
        "  HTTP alone (a server that only answers), {} connections: {:.0} requests/s",
        r.connections, r.http_alone_requests_per_s
    );
    println!(
        "  the request path alone (marks refused before the store), {} connections: {:.0} requests/s",
        r.connections, r.request_path_alone_per_s
    );
    println!(
        "  contacts' statuses of a person with {} contacts: p50 {:.2} ms   p99 {:.2} ms   (target p99 <= 5 ms)",
        r.contacts_listed, r.contact_statuses.p50_ms, r.contact_statuses.p99_ms
    );
    println!(
        "  target: >= 50,000 marks/s; p99 <= 10 ms at half that rate; failed requests: {}",
        r.errors
    );
}
