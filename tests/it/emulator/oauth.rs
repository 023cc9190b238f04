//! The token endpoint: outages, server errors, lifetimes of any size, and tokens that cannot be guessed.

use super::*;

/// During a token endpoint outage (429 with a long `Retry-After`), a burst
/// of 50 concurrent calls makes one token request: the failure is shared
/// with the callers waiting on it, and kept for its window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_outage_costs_one_request_per_window() {
    let emu = emulator(Config::default()).await;
    for _ in 0..50 {
        emu.inject(
            Some("/api/oauth/token"),
            Fault::Refuse {
                status: 429,
                retry_after: 30,
            },
        );
    }
    let keys = service_account_keys(&emu, fast().max_retry_after(Duration::from_secs(1)));
    let update = describe("outage");
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (keys, update) = (keys.clone(), update.clone());
            tokio::spawn(async move { keys.update_org_key(&org(), &target(), &update).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Auth(atlas_apikeys::client::AuthError::TokenEndpoint { status: 429, .. })
            ),
            "{err:?}"
        );
    }
    assert_eq!(emu.counters().token_requests, 1, "{:?}", emu.counters());
}

/// The token endpoint's 5xx, and a connection it drops, are retried under
/// the API's policy.
#[tokio::test]
async fn a_token_endpoint_5xx_is_retried() {
    for fault in [
        Fault::Status(503),
        Fault::Status(500),
        Fault::Html502,
        Fault::Drop,
    ] {
        let emu = emulator(Config::default()).await;
        emu.inject(Some("/api/oauth/token"), fault);
        let keys = service_account_keys(&emu, fast());
        keys.update_org_key(&org(), &target(), &describe("t"))
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        // A dropped connection never reaches the handler that counts token
        // requests; the emulator counts it as a fault.
        let c = emu.counters();
        let reached = match fault {
            Fault::Drop => c.token_requests + c.faults,
            _ => c.token_requests,
        };
        assert_eq!(reached, 2, "{fault:?}: {c:?}");
    }
}

/// Token lifetimes: a 30 s token is reused (refreshed 15 s before it
/// expires, not never); a lifetime too large for the clock, or zero, is no
/// panic.
#[tokio::test]
async fn token_lifetimes_of_any_size_are_handled() {
    let update = describe("life");
    for (lifetime, reused) in [(30, true), (u64::MAX, true), (0, false)] {
        let emu = emulator(Config {
            token_lifetime_secs: lifetime,
            ..Config::default()
        })
        .await;
        let keys = service_account_keys(&emu, fast());
        for _ in 0..5 {
            let result = keys.update_org_key(&org(), &target(), &update).await;
            if reused {
                result.unwrap_or_else(|e| panic!("{lifetime}: {e}"));
            }
        }
        let requests = emu.counters().token_requests;
        if reused {
            assert_eq!(requests, 1, "lifetime {lifetime}: one token for five calls");
        } else {
            assert!(requests >= 5, "lifetime 0: never reused ({requests})");
        }
    }
}

/// Access tokens are 256 random bits: long, distinct, and not sequential.
#[tokio::test]
async fn access_tokens_are_random() {
    let emu = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let token = token(&http, &emu).await;
        let random = token.rsplit('.').next().unwrap();
        assert_eq!(random.len(), 64, "{token}");
        assert!(random.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
        tokens.push(random.to_owned());
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3);
    // Not a counter: consecutive tokens share no long prefix.
    assert!(tokens.windows(2).all(|w| w[0][..8] != w[1][..8]));
}
