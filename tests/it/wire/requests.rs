//! What each generated client sends: the version's media types, no `api-version`, the body; and what it refuses before sending.

use super::*;

#[tokio::test]
async fn every_operation_of_every_version_sends_what_its_table_says() {
    let mut covered = 0;
    macro_rules! run {
        ($v:ident) => {
            covered += wire_checks!($v);
        };
    }
    atlas_apikeys_client::for_each_atlas_version!(run);
    let atlas = VERSIONS.iter().filter(|v| v.system == "atlas").count();
    assert_eq!(covered, atlas);
    assert!(covered > 0);
}

#[tokio::test]
async fn a_version_table_without_the_operation_fails_before_sending() {
    use atlas_apikeys_client::{ApiVersion, Context, newest_atlas as api};
    static EMPTY: ApiVersion = {
        let mut v = api::API_VERSION;
        v.operations = &[];
        v
    };
    let server = vouching_emulator().await;
    let client =
        api::Client::new_with_client(&server.url(), reqwest::Client::new(), Context::new(&EMPTY));
    let body = newest_org_body();
    let err = client
        .update_org_api_key(ORG, KEY, None, None, &body)
        .await
        .expect_err("no table entry");
    assert!(
        matches!(&err, Error::Custom(m) if m.contains("update_org_api_key")),
        "{err:?}"
    );
    assert!(
        server.take_seen().is_empty(),
        "nothing may reach the network"
    );
}

/// A 403 whose body is not JSON: progenitor's method says only that the
/// payload did not read; the client crate's call says the status, and keeps
/// the answer.
#[tokio::test]
async fn the_call_reports_the_status_progenitor_drops() {
    use atlas_apikeys_client::operations::Request;
    use atlas_apikeys_client::{CallError, Op, newest_atlas as api};
    let server = vouching_emulator().await;
    let client = api::client(&server.url()).unwrap();
    let body = newest_org_body();
    let page = "<html>blocked by a firewall</html>";
    server.reply(Reply::raw(403, "text/html", page));
    let result = client.update_org_api_key(ORG, KEY, None, None, &body).await;
    assert!(matches!(result, Err(Error::InvalidResponsePayload(..))));

    let ops = one_attempt(&server, api::API_VERSION.connect);
    server.reply(Reply::raw(403, "text/html", page));
    let request = Request {
        org: Some(&ORG.parse().unwrap()),
        key: Some(&KEY.parse().unwrap()),
        desc: Some("x"),
        ..Request::default()
    };
    let (result, record) = ops.call(Op::UpdateOrgKey, request).await;
    assert_eq!(record.status.map(|s| s.as_u16()), Some(403));
    match result {
        Err(CallError::Response(r)) => {
            assert_eq!(r.status.as_u16(), 403);
            assert_eq!(&r.body[..], page.as_bytes());
            // A body may hold a secret: `Debug` shows its length only.
            let shown = format!("{r:?}");
            assert!(
                !shown.contains("firewall") && shown.contains(&format!("{} bytes", page.len())),
                "{shown}"
            );
        }
        other => panic!("{other:?}"),
    }
}
