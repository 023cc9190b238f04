//! Faults the client must survive or report: 5xx, dropped connections, a change committed and its answer lost, envelopes, `Retry-After`.

use super::*;

#[tokio::test]
async fn faults_are_survived_or_reported() {
    let emu = emulator(Config::default()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = describe("x");
    // Each is retried (the PATCH is idempotent) or, for a rotated nonce,
    // answered with a fresh challenge.
    let survived = [
        Fault::Html502,
        Fault::Drop,
        Fault::Status(503),
        Fault::Latency(50),
        Fault::RotateNonces,
    ];
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    for fault in survived {
        emu.inject(None, fault);
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    }
    // A response cut short is a failed exchange: retried, or reported.
    emu.inject(None, Fault::Truncate);
    keys.update_org_key(&org(), &target(), &update)
        .await
        .expect("retried after a truncated response");
    let once = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    once.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    emu.inject(None, Fault::Truncate);
    let err = once
        .update_org_key(&org(), &target(), &update)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Random faults at a steady rate: retries carry every call through.
    emu.configure_faults(FaultConfig {
        error_rate: 0.2,
        html_502_rate: 0.1,
        drop_rate: 0.1,
        seed: 7,
        ..FaultConfig::default()
    });
    let sturdy = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
        .retry(fast().max_attempts(8))
        .build()
        .unwrap();
    for _ in 0..30 {
        sturdy
            .update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
    }
    assert!(emu.counters().faults > 5, "{:?}", emu.counters());
}

/// An assign whose answer was lost (a proxy's 502, a dropped connection) is
/// repeated by nobody blind: the SDK finds out. With the organization known
/// it reads the key back; without, `ensure_project_roles` sets the roles
/// with the idempotent PATCH (a 404 says the key is not there). Found there,
/// `ensure_project_roles` answers `Present` with exactly the roles asked,
/// never `Updated` or `Assigned`, and a strict `assign_to_project` reports
/// the failure and replaces nothing. Not there, the assign is sent once more.
/// Whether the lost assign committed or not.
#[tokio::test]
async fn an_assign_whose_answer_was_lost_reports_only_what_it_knows() {
    let asked = [ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager];
    let asked_names = ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"];
    // (fault, whether it lets the POST commit, the key there beforehand)
    for (fault, commits, there) in [
        (Fault::CommitThen502, true, false),
        (Fault::CommitThenDrop, true, false),
        (Fault::Html502, false, true),
        (Fault::Html502, false, false),
    ] {
        for (strict, org_known) in [(false, true), (false, false), (true, true), (true, false)] {
            let emu = emulator(Config::default()).await;
            let mut b = ApiKeys::builder()
                .version(atlas_apikeys::latest_atlas_version())
                .base_url(emu.url())
                .retry(fast())
                .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key);
            if org_known {
                b = b.org(org());
            }
            let keys = b.build().unwrap();
            // A version that predates the read settles as one without the
            // organization.
            let reads = org_known
                && keys
                    .version()
                    .offers(atlas_apikeys::client::Op::GetOrgKey)
                    .is_some();
            if there {
                let owner = ProjectRoles::new([ProjectRole::GroupOwner]);
                keys.assign_to_project(&other_project(), &target(), &owner)
                    .await
                    .unwrap();
            } else {
                // Warm: the next request answers a known challenge, so the
                // fault meets the authenticated POST itself.
                keys.update_org_key(&org(), &target(), &describe("warm"))
                    .await
                    .unwrap();
            }
            emu.take_seen();
            emu.inject(Some("/api/atlas/v2/groups/"), fault);
            let roles = ProjectRoles::new(asked.clone());
            let stored = |emu: &atlas_apikeys_emulator::Emulator| {
                emu.api_key(defaults::TARGET.id)
                    .unwrap()
                    .grants
                    .project_roles
                    .get(defaults::OTHER_PROJECT)
                    .cloned()
                    .unwrap_or_default()
            };
            let case =
                format!("{fault:?}, there before: {there}, strict: {strict}, org: {org_known}");
            let found = commits || there;
            let after = if strict {
                keys.assign_to_project(&other_project(), &target(), &roles)
                    .await
                    .map(|()| None)
            } else {
                keys.ensure_project_roles(&other_project(), &target(), &roles)
                    .await
                    .map(Some)
            };
            let requests: Vec<String> = emu.take_seen().iter().map(|s| s.method.clone()).collect();
            // Never the same POST twice in a row: something else was asked
            // in between, or nothing at all.
            assert!(
                !requests
                    .windows(2)
                    .any(|w| w[0] == "POST" && w[1] == "POST"),
                "{case}: {requests:?}"
            );
            let patched = requests.contains(&"PATCH".to_owned());
            match (found, strict) {
                (true, false) => {
                    let ensured = after.unwrap_or_else(|e| panic!("{case}: {e}"));
                    assert!(
                        matches!(ensured, Some(Ensured::Present(_))),
                        "{case}: {ensured:?}"
                    );
                    assert_eq!(stored(&emu), asked_names, "{case}");
                }
                (true, true) => {
                    let e = after.expect_err(&case);
                    assert!(e.status().is_none_or(|s| s >= 500), "{case}: {e}");
                    let expected: &[&str] = if there {
                        &["GROUP_OWNER"]
                    } else {
                        &asked_names
                    };
                    assert_eq!(stored(&emu), expected, "{case}: nothing replaced");
                    assert!(!patched, "{case}: {requests:?}");
                }
                (false, _) if reads || !strict => {
                    // Not there: found out, then assigned once more.
                    after.unwrap_or_else(|e| panic!("{case}: {e}"));
                    assert_eq!(stored(&emu), asked_names, "{case}");
                    assert_eq!(requests.last().map(String::as_str), Some("POST"), "{case}");
                }
                (false, _) => {
                    // A strict assign with no way to read: the failure stands.
                    after.expect_err(&case);
                    assert!(stored(&emu).is_empty(), "{case}");
                    assert_eq!(requests, ["POST"], "{case}");
                }
            }
            // Where the organization was known, a read settled it.
            assert_eq!(
                requests.contains(&"GET".to_owned()),
                reads,
                "{case}: {requests:?}"
            );
        }
    }
}

/// The settings' organization need not be the key's: a read-back that
/// fails (here 403, another organization) is settled as without one, by
/// the idempotent PATCH, and never by a blind second POST.
#[tokio::test]
async fn a_failed_read_back_falls_back_to_the_patch() {
    let emu = emulator(Config::default()).await;
    let keys = ApiKeys::builder()
        .version(atlas_apikeys::latest_atlas_version())
        .base_url(emu.url())
        .retry(fast())
        .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
        .org(defaults::FOREIGN_ORG.parse().unwrap())
        .build()
        .unwrap();
    keys.update_org_key(&org(), &target(), &describe("warm"))
        .await
        .unwrap();
    emu.take_seen();
    emu.inject(Some("/api/atlas/v2/groups/"), Fault::CommitThen502);
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    let ensured = keys
        .ensure_project_roles(&other_project(), &target(), &roles)
        .await
        .unwrap();
    assert!(matches!(ensured, Ensured::Present(_)), "{ensured:?}");
    let methods: Vec<String> = emu.take_seen().iter().map(|s| s.method.clone()).collect();
    let offers_read = atlas_apikeys::latest_atlas_version()
        .offers(atlas_apikeys::client::Op::GetOrgKey)
        .is_some();
    let expected: &[&str] = if offers_read {
        &["POST", "GET", "PATCH"]
    } else {
        &["POST", "PATCH"]
    };
    assert_eq!(methods, expected);
}

/// The transport never repeats a POST after an ambiguous failure, whatever
/// its retry budget; it still repeats the PATCHes after the same failure.
#[tokio::test]
async fn the_transport_does_not_repeat_a_post_after_an_ambiguous_failure() {
    use atlas_apikeys::client::operations::Request;
    use atlas_apikeys::client::{ClientConfig, Credentials, Op, ProjectRole, newest_atlas as api};
    let emu = emulator(Config::default()).await;
    let ops = (api::API_VERSION.connect)(
        ClientConfig::new()
            .base_url(emu.url())
            .credentials(Credentials::api_key(
                defaults::OWNER.public_key,
                defaults::OWNER.private_key,
            ))
            .retry(fast()),
    )
    .unwrap();
    let roles = [ProjectRole::GroupReadOnly];
    let in_project = Request {
        project: Some(&defaults::OTHER_PROJECT.parse().unwrap()),
        key: Some(&defaults::TARGET.id.parse().unwrap()),
        project_roles: Some(&roles),
        ..Request::default()
    };
    // Warm (a known challenge), through the organization endpoint.
    let warm = Request {
        org: Some(&defaults::ORG.parse().unwrap()),
        key: Some(&defaults::TARGET.id.parse().unwrap()),
        desc: Some("warm"),
        ..Request::default()
    };
    ops.call(Op::UpdateOrgKey, warm).await.0.unwrap();
    for fault in [
        Fault::CommitThen502,
        Fault::CommitThenDrop,
        Fault::Status(504),
    ] {
        emu.inject(Some("/api/atlas/v2/groups/"), fault);
        let (result, record) = ops.call(Op::AssignToProject, in_project).await;
        assert!(result.is_err(), "{fault:?}");
        assert_eq!(record.exchanges, 1, "{fault:?}: the POST was sent once");
        assert!(record.ambiguous, "{fault:?}");
        emu.inject(Some("/api/atlas/v2/groups/"), fault);
        let (result, record) = ops.call(Op::UpdateProjectKey, in_project).await;
        result.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(record.exchanges, 2, "{fault:?}: the PATCH was repeated");
    }
}

/// With `envelope=true` the server answers HTTP 200 and puts the status in
/// the body; retry decisions go by that status.
#[tokio::test]
async fn an_enveloped_503_or_429_is_retried() {
    for fault in [
        Fault::Status(503),
        Fault::Refuse {
            status: 429,
            retry_after: 0,
        },
    ] {
        let emu = emulator(Config::default()).await;
        let keys = ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
            .retry(fast())
            .envelope(true)
            .build()
            .unwrap();
        let update = describe("enveloped");
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
        emu.inject(Some("/api/atlas/v2/orgs/"), fault);
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    }
}

/// A `Retry-After` longer than the policy allows fails at once with a typed
/// error carrying the wait; within the policy it is honoured, on 503 too,
/// and for the POST (the server said it did not process it).
#[tokio::test]
async fn retry_after_is_honoured_or_reported() {
    let emu = emulator(Config::default()).await;
    let policy = fast().max_retry_after(Duration::from_secs(1));
    let keys = keys_with(&emu, policy);
    let update = describe("wait");
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();

    // Requests that reached the server: handled ones, and ones a fault answered.
    let requests = |emu: &Emulator| emu.counters().exchanges + emu.counters().faults;
    let before = requests(&emu);
    emu.inject(
        Some("/api/atlas/v2/orgs/"),
        Fault::Refuse {
            status: 429,
            retry_after: 30,
        },
    );
    let err = keys
        .update_org_key(&org(), &target(), &update)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RateLimited { retry_after, .. } if *retry_after == Duration::from_secs(30)),
        "{err:?}"
    );
    assert!(err.to_string().contains("30s"), "{err}");
    assert_eq!(requests(&emu) - before, 1, "no early retry");

    for route in ["/api/atlas/v2/orgs/", "/api/atlas/v2/groups/"] {
        emu.inject(
            Some(route),
            Fault::Refuse {
                status: 503,
                retry_after: 1,
            },
        );
        let started = std::time::Instant::now();
        if route.contains("groups") {
            keys.assign_to_project(
                &other_project(),
                &target(),
                &ProjectRoles::new([ProjectRole::GroupReadOnly]),
            )
            .await
            .expect("a POST refused with Retry-After is retried");
        } else {
            keys.update_org_key(&org(), &target(), &update)
                .await
                .expect("503 with Retry-After");
        }
        assert_waited(started, Duration::from_secs(1), route);
    }
}

/// `ensure_project_roles` on a key already in the project meets 409, and
/// when the key leaves the project before its PATCH (404), assigns it again.
#[tokio::test]
async fn ensure_reassigns_a_key_removed_between_the_409_and_the_patch() {
    let emu = emulator(Config::default()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    keys.assign_to_project(&other_project(), &target(), &roles)
        .await
        .unwrap();
    // The POST (409) passes; the PATCH after it finds the key gone.
    emu.inject(Some("/api/atlas/v2/groups/"), Fault::Latency(0));
    emu.inject(Some("/api/atlas/v2/groups/"), Fault::UnassignFirst);
    let wanted = ProjectRoles::new([ProjectRole::GroupClusterManager]);
    let ensured = keys
        .ensure_project_roles(&other_project(), &target(), &wanted)
        .await
        .unwrap();
    assert!(matches!(ensured, Ensured::Assigned), "{ensured:?}");
    let stored = emu.api_key(defaults::TARGET.id).unwrap();
    assert_eq!(
        stored.grants.project_roles[defaults::OTHER_PROJECT],
        ["GROUP_CLUSTER_MANAGER"]
    );
}
