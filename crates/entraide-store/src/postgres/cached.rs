//! Statements prepared once per connection and reused: a query then costs one round trip
//! instead of two (parse, then execute), which is most of its time on a local network.

use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, Row};

pub(super) type Params<'a> = [&'a (dyn ToSql + Sync)];

pub(super) async fn execute(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> Result<u64, Error> {
    c.execute(&c.prepare_cached(sql).await?, params).await
}

pub(super) async fn query(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> Result<Vec<Row>, Error> {
    c.query(&c.prepare_cached(sql).await?, params).await
}

pub(super) async fn query_one(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> Result<Row, Error> {
    c.query_one(&c.prepare_cached(sql).await?, params).await
}

pub(super) async fn query_opt(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> Result<Option<Row>, Error> {
    c.query_opt(&c.prepare_cached(sql).await?, params).await
}
