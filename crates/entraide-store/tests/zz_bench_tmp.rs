use entraide_core::*;
use entraide_store::*;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench() {
    let dir = tempfile::tempdir_in("/tmp/bench").unwrap();
    let store: DynStore = Arc::new(sqlite::SqliteStore::open(dir.path()).await.unwrap());
    let now = chrono::Utc::now();
    let c = Crisis { id: CrisisId::new(), title: "t".into(), description: "".into(), kind: CrisisKind::from_trusted("attack".into()),
        zone: entraide_geo::Zone::Circle { center: entraide_geo::Point::new(2.0, 48.0).unwrap(), radius_m: 100.0 },
        status: CrisisStatus::Active, starts_at: now, expires_at: None, created_by: None, created_at: now, updated_at: now };
    store.create_crisis(&c).await.unwrap();
    let n = 20_000usize;
    let mut ids = Vec::new();
    for i in 0..n {
        let a = store.create_account(NewAccount { id: AccountId::new(), handle: Handle::parse(&format!("p{i:06}")).unwrap(), display_name: "x".into(), password_hash: "h".into(), role: Role::Person, created_at: now }).await.unwrap();
        ids.push(a.id);
    }
    let start = std::time::Instant::now();
    let conc = 1000;
    let per = n / conc;
    let tasks: Vec<_> = (0..conc).map(|k| { let store = store.clone(); let ids = ids[k*per..(k+1)*per].to_vec(); let cid = c.id; tokio::spawn(async move {
        for id in ids { store.mark(MarkWrite { crisis: cid, account: id, action: MarkAction::Own { status: SafetyStatus::Safe, message: None }, at: chrono::Utc::now() }).await.unwrap(); }
    })}).collect();
    for t in tasks { t.await.unwrap(); }
    let el = start.elapsed();
    eprintln!("{} marks in {:?}: {:.0}/s; {:?}", n, el, n as f64 / el.as_secs_f64(), store.write_stats());
}
