//! Listing keys: every page of more than 500, or one page as asked; a page
//! outside the API's range refused by field.

use atlas_apikeys::ApiKeys;
use atlas_apikeys::client::Op;
use atlas_apikeys_emulator::{Config, Emulator, defaults};

use super::ids;

/// An emulator of `system` whose organization holds 600 more keys, 550 of
/// them in the project: more than one page of each list.
async fn crowded(system: atlas_apikeys_emulator::System) -> (Emulator, usize, usize) {
    let mut config = Config {
        system,
        ..Config::default()
    };
    for i in 0..600 {
        let mut grants = atlas_apikeys_emulator::Grants::org(defaults::ORG, "ORG_MEMBER");
        if i < 550 {
            grants
                .project_roles
                .insert(defaults::PROJECT.into(), vec!["GROUP_READ_ONLY".into()]);
        }
        config
            .seed
            .api_keys
            .push(atlas_apikeys_emulator::config::ApiKey {
                id: format!("9{i:023x}"),
                public_key: format!("pk{i:06}"),
                private_key: format!("00000000-0000-0000-0000-{i:012}"),
                description: format!("crowd {i}"),
                grants,
            });
    }
    let seeded = &config.seed.api_keys;
    let in_org = seeded
        .iter()
        .filter(|k| k.grants.org_id == defaults::ORG)
        .count();
    let in_project = seeded
        .iter()
        .filter(|k| k.grants.project_roles.contains_key(defaults::PROJECT))
        .count();
    (Emulator::start(config).await.unwrap(), in_org, in_project)
}

#[tokio::test]
async fn lists_page_through_more_than_500_keys_and_one_page_is_one_request() {
    let (org, project, _) = ids();
    let mut listed = 0;
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        if version.offers(Op::ListOrgKeys).is_none() {
            continue;
        }
        listed += 1;
        let what = format!("{} {}", version.system, version.version);
        let (emu, in_org, in_project) = crowded(version.system).await;
        let client = |k: defaults::SeedKey, envelope: bool| {
            ApiKeys::builder()
                .version(version)
                .base_url(emu.url())
                .api_key(k.public_key, k.private_key)
                .envelope(envelope)
                .build()
                .unwrap()
        };
        for envelope in [false, true] {
            let keys = client(defaults::OWNER, envelope);
            emu.take_seen();
            let all = keys.list_org_keys(&org).await.unwrap();
            let gets = emu.take_seen().iter().filter(|s| s.authenticated).count();
            assert_eq!(all.len(), in_org, "{what}");
            let mut ids: Vec<_> = all.iter().map(|k| k.id).collect();
            ids.dedup();
            assert_eq!(ids.len(), in_org, "{what}: no key twice");
            assert_eq!(gets, in_org.div_ceil(500), "{what}: 500 a page");
            // In a task of its own: a list's future is Send.
            let task = keys.clone();
            let all = tokio::spawn(async move { task.list_project_keys(&project).await });
            let all = all.await.unwrap().unwrap();
            assert_eq!(all.len(), in_project, "{what}");
        }
        // One page when asked for one, counted.
        let keys = client(defaults::OWNER, false);
        let page = atlas_apikeys::PageRequest::new(2, 100).unwrap();
        emu.take_seen();
        let got = keys.org_keys_page(&org, page).await.unwrap();
        let seen = emu.take_seen();
        assert_eq!(seen.iter().filter(|s| s.authenticated).count(), 1, "{what}");
        assert_eq!(got.results.len(), 100, "{what}");
        assert_eq!(got.total_count, Some(in_org as u64), "{what}");
        assert!(
            got.links.iter().any(|l| l.rel.as_deref() == Some("next")),
            "{what}"
        );
        // Any role in the organization lists it; another organization's
        // key does not.
        let reader = client(defaults::READER, false).list_org_keys(&org).await;
        assert_eq!(reader.unwrap().len(), in_org, "{what}");
        let foreign = client(defaults::FOREIGN, false).list_org_keys(&org).await;
        assert_eq!(foreign.unwrap_err().status(), Some(403), "{what}");
    }
    assert!(listed > 0, "no version lists keys");
}

/// `pageNum` from 1, `itemsPerPage` from 1 to 500: anything else is refused
/// before a request exists.
#[test]
fn a_page_outside_the_api_range_is_refused_by_field() {
    for (page, per_page, field) in [
        (0, 10, "pageNum"),
        (1, 0, "itemsPerPage"),
        (1, 501, "itemsPerPage"),
    ] {
        let e = atlas_apikeys::PageRequest::new(page, per_page).unwrap_err();
        assert_eq!(e.field, field);
        assert!(
            matches!(e.rule, atlas_apikeys::Rule::OutOfRange { .. }),
            "{e}"
        );
    }
    assert!(atlas_apikeys::PageRequest::new(1, 500).is_ok());
}
