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
/// not repeated by the transport; the validation layer's one retry meets
/// 409 `API_KEY_ALREADY_IN_GROUP`, which cannot say whether the lost assign
/// put the key there or it was there already. `ensure_project_roles` sets
/// the roles with the idempotent PATCH and answers `Present`, never
/// `Updated` or `Assigned`; a strict `assign_to_project` fails with the 409
/// and replaces nothing. Both whether the lost assign committed or not.
#[tokio::test]
async fn an_assign_whose_answer_was_lost_reports_only_what_it_knows() {
    let asked = [ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager];
    let before_roles = ["GROUP_OWNER"];
    // (fault, the key in the project beforehand)
    for (fault, there) in [
        (Fault::CommitThen502, false),
        (Fault::CommitThenDrop, false),
        (Fault::Html502, true),
    ] {
        let committed = u64::from(!there);
        for strict in [false, true] {
            let emu = emulator(Config::default()).await;
            let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
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
            let before = emu.counters().exchanges;
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
            let case = format!("{fault:?}, there before: {there}, strict: {strict}");
            if strict {
                let e = keys
                    .assign_to_project(&other_project(), &target(), &roles)
                    .await
                    .expect_err(&case);
                assert!(e.is_code("API_KEY_ALREADY_IN_GROUP"), "{case}: {e}");
                let expected: &[&str] = if there {
                    &before_roles
                } else {
                    &["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"]
                };
                assert_eq!(stored(&emu), expected, "{case}: nothing replaced");
                // The retry (409), and no PATCH; a committed POST counts too
                // (an uncommitted one never reached the handler).
                assert_eq!(emu.counters().exchanges - before, 1 + committed, "{case}");
            } else {
                let ensured = keys
                    .ensure_project_roles(&other_project(), &target(), &roles)
                    .await
                    .unwrap_or_else(|e| panic!("{case}: {e}"));
                assert!(
                    matches!(ensured, Ensured::Present(_)),
                    "{case}: {ensured:?}"
                );
                assert_eq!(
                    stored(&emu),
                    ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"],
                    "{case}"
                );
                // The retry (409), the PATCH, and a committed POST.
                assert_eq!(emu.counters().exchanges - before, 2 + committed, "{case}");
            }
        }
    }
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
        project: Some(defaults::OTHER_PROJECT),
        key: Some(defaults::TARGET.id),
        project_roles: Some(&roles),
        ..Request::default()
    };
    // Warm (a known challenge), through the organization endpoint.
    let warm = Request {
        org: Some(defaults::ORG),
        key: Some(defaults::TARGET.id),
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
