//! A key's access list through the SDK: entries, where a key may call
//! from, and more than a page of them.

use atlas_apikeys::Error;
use atlas_apikeys::client::Op;
use atlas_apikeys_emulator::defaults;

use super::{each_offering, ids};

/// A key's access list: entries parsed before sending, added, read and
/// removed; a key with entries calls only from them, and an organization
/// that requires lists refuses a key without; more than a page of them is
/// listed whole.
#[tokio::test]
async fn access_lists_decide_where_a_key_may_call_from() {
    use atlas_apikeys::AccessEntry;
    let (org, _, key) = ids();
    each_offering(Op::AddAccessEntries, async |what, emu, as_| {
        let owner = as_(defaults::OWNER);
        let target = as_(defaults::TARGET);
        let entry = |s: &str| s.parse::<AccessEntry>().unwrap();
        let first = [
            entry("10.0.0.0/8"),
            entry("192.0.2.7"),
            entry("2001:db8::/32"),
        ];
        let page = owner.add_access_entries(&org, &key, &first).await.unwrap();
        assert_eq!(page.results.len(), 3, "{what}");
        let single = page
            .results
            .iter()
            .find(|e| e.ip_address.as_deref() == Some("192.0.2.7"));
        assert_eq!(
            single.unwrap().cidr_block.as_deref(),
            Some("192.0.2.7/32"),
            "{what}"
        );
        // Adding again changes nothing.
        let again = owner
            .add_access_entries(&org, &key, &first[..1])
            .await
            .unwrap();
        assert_eq!(again.results.len(), 3, "{what}");
        let read = owner.access_entry(&org, &key, &first[0]).await.unwrap();
        assert_eq!(read.cidr_block.as_deref(), Some("10.0.0.0/8"), "{what}");
        let missing = owner
            .access_entry(&org, &key, &entry("203.0.113.1"))
            .await
            .unwrap_err();
        assert_eq!(missing.status(), Some(404), "{what}: {missing}");

        // With entries, the key calls only from them: loopback is not one.
        let refused = target.org_key(&org, &key).await.unwrap_err();
        assert!(
            refused.is_code("IP_ADDRESS_NOT_ON_ACCESS_LIST"),
            "{what}: {refused}"
        );
        owner
            .add_access_entries(&org, &key, &[entry("127.0.0.0/8")])
            .await
            .unwrap();
        target.org_key(&org, &key).await.unwrap();
        let used = owner
            .access_entry(&org, &key, &entry("127.0.0.0/8"))
            .await
            .unwrap();
        assert_eq!(
            used.last_used_address.as_deref(),
            Some("127.0.0.1"),
            "{what}"
        );
        owner
            .delete_access_entry(&org, &key, &first[0])
            .await
            .unwrap();
        let gone = owner.access_entry(&org, &key, &first[0]).await.unwrap_err();
        assert_eq!(gone.status(), Some(404), "{what}");

        // More than a page: 600 more, listed whole.
        let many: Vec<AccessEntry> = (0..600u32)
            .map(|i| entry(&format!("10.1.{}.{}", i / 256, i % 256)))
            .collect();
        let before = owner.access_list(&org, &key).await.unwrap().len();
        owner.add_access_entries(&org, &key, &many).await.unwrap();
        emu.take_seen();
        // In a task of its own: a list's future is Send.
        let task = owner.clone();
        let all = tokio::spawn(async move { task.access_list(&org, &key).await });
        let all = all.await.unwrap().unwrap();
        assert_eq!(all.len(), before + many.len(), "{what}");
        let pages = emu.take_seen().iter().filter(|s| s.authenticated).count();
        assert_eq!(pages, 2, "{what}: 500 a page");

        // Refused before a request exists: none, or one twice.
        let none = owner.add_access_entries(&org, &key, &[]).await;
        assert!(matches!(none, Err(Error::Validation(_))), "{what}");
        let twice = owner
            .add_access_entries(&org, &key, &[first[1], first[1]])
            .await;
        assert!(matches!(twice, Err(Error::Validation(_))), "{what}");
        assert!(emu.take_seen().is_empty(), "{what}: nothing sent");

        // An organization that requires lists refuses a key without one.
        emu.require_access_list(defaults::ORG, true);
        let reader = as_(defaults::READER).list_org_keys(&org).await.unwrap_err();
        assert!(
            reader.is_code("ORG_REQUIRES_ACCESS_LIST"),
            "{what}: {reader}"
        );
        target.org_key(&org, &key).await.unwrap();
    })
    .await;
}

#[test]
fn access_entries_parse_as_the_api_takes_them() {
    use atlas_apikeys::AccessEntry;
    for good in [
        "203.0.113.10",
        "2001:db8::1",
        "203.0.113.0/24",
        "203.0.113.0%2F24",
        "::/0",
    ] {
        assert!(good.parse::<AccessEntry>().is_ok(), "{good}");
    }
    for (bad, says) in [
        ("203.0.113.10/24", "host bits"),
        ("300.1.1.1", "IPv4 or IPv6"),
        ("10.0.0.0/33", "0 to 32"),
        ("", "IPv4 or IPv6"),
        ("10.0.0.0/", "0 to 32"),
    ] {
        let e = bad.parse::<AccessEntry>().unwrap_err();
        assert!(e.to_string().contains(says), "{bad}: {e}");
    }
}

/// The role each new operation takes: any role in the organization reads
/// keys and access lists; writing them takes Organization Owner (or, for a
/// key made in a project, Project Owner); a project's keys are listed by a
/// role in that project or by the organization's owner.
#[tokio::test]
async fn each_new_operation_takes_its_role() {
    use atlas_apikeys::{Description, NewProjectKey};
    let (org, project, key) = ids();
    each_offering(Op::CreateProjectKey, async |what, _emu, as_| {
        let reader = as_(defaults::READER);
        let foreign = as_(defaults::FOREIGN);
        let roles = [reader.version().project_roles[0].clone()];
        let new = NewProjectKey::new(Description::new("by a reader").unwrap(), roles);
        let status = |e: Error| e.status();
        assert_eq!(
            reader
                .create_project_key(&project, &new)
                .await
                .err()
                .and_then(status),
            Some(403),
            "{what}"
        );
        assert_eq!(
            reader
                .list_project_keys(&project)
                .await
                .err()
                .and_then(status),
            Some(403),
            "{what}"
        );
        assert_eq!(
            foreign
                .list_project_keys(&project)
                .await
                .err()
                .and_then(status),
            Some(403),
            "{what}"
        );
        let entry: atlas_apikeys::AccessEntry = "192.0.2.1".parse().unwrap();
        let add = reader.add_access_entries(&org, &key, &[entry]).await;
        assert_eq!(add.err().and_then(status), Some(403), "{what}");
        assert!(
            reader.access_list(&org, &key).await.is_ok(),
            "{what}: a reader reads"
        );
        let del = reader.delete_access_entry(&org, &key, &entry).await;
        assert_eq!(del.err().and_then(status), Some(403), "{what}");
        // The owner may do all of it.
        let owner = as_(defaults::OWNER);
        assert!(
            owner.create_project_key(&project, &new).await.is_ok(),
            "{what}"
        );
        assert!(owner.list_project_keys(&project).await.is_ok(), "{what}");
    })
    .await;
}
