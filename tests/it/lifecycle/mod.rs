//! The life of a key past its first three operations, on every version that
//! offers each: unassigning it from a project and deleting it, through the
//! SDK against the emulator, with the roles each takes and the errors each
//! gives for what is not there.

use atlas_apikeys::client::Op;
use atlas_apikeys::{ApiKeyId, ApiKeys, Error, OrgId, ProjectId, ProjectRoles};
use atlas_apikeys_emulator::{Config, Emulator, defaults};

mod access;
mod lists;

pub(crate) fn ids() -> (OrgId, ProjectId, ApiKeyId) {
    (
        defaults::ORG.parse().unwrap(),
        defaults::PROJECT.parse().unwrap(),
        defaults::TARGET.id.parse().unwrap(),
    )
}

/// Every version codegen emitted that offers `op`, with an emulator of its
/// system and a client as `who`.
pub(crate) async fn each_offering(
    op: Op,
    mut check: impl AsyncFnMut(&str, &Emulator, &dyn Fn(defaults::SeedKey) -> ApiKeys),
) {
    let mut offered = 0;
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        if version.offers(op).is_none() {
            continue;
        }
        offered += 1;
        let emu = Emulator::start(Config {
            system: version.system,
            ..Config::default()
        })
        .await
        .unwrap();
        let url = emu.url();
        let as_ = |k: defaults::SeedKey| {
            ApiKeys::builder()
                .version(version)
                .base_url(url.clone())
                .api_key(k.public_key, k.private_key)
                .build()
                .unwrap()
        };
        let what = format!("{} {}", version.system, version.version);
        check(&what, &emu, &as_).await;
    }
    assert!(offered > 0, "no version offers {}", op.api_name());
}

fn status(result: Result<(), Error>) -> Option<u16> {
    result.err().and_then(|e| e.status())
}

#[tokio::test]
async fn unassign_takes_the_key_out_of_the_project_only() {
    let (org, project, key) = ids();
    each_offering(Op::UnassignFromProject, async |what, emu, as_| {
        let owner = as_(defaults::OWNER);
        let roles = ProjectRoles::new([owner.version().project_roles[0].clone()]);
        owner
            .ensure_project_roles(&project, &key, &roles)
            .await
            .unwrap();
        // A reader of the organization may not; nothing changes.
        let refused = as_(defaults::READER)
            .unassign_from_project(&project, &key)
            .await;
        assert_eq!(status(refused), Some(403), "{what}");
        assert!(
            emu.api_key(defaults::TARGET.id)
                .unwrap()
                .grants
                .project_roles
                .contains_key(defaults::PROJECT)
        );

        emu.take_seen();
        owner.unassign_from_project(&project, &key).await.unwrap();
        let seen = emu.take_seen();
        let sent = seen.last().unwrap();
        assert_eq!(sent.method, "DELETE", "{what}");
        assert!(sent.body.is_empty(), "{what}");
        let stored = emu.api_key(defaults::TARGET.id).unwrap();
        assert!(
            !stored.grants.project_roles.contains_key(defaults::PROJECT),
            "{what}"
        );
        // Still in the organization, with its organization roles.
        let read = owner.org_key(&org, &key).await;
        match owner.version().offers(Op::GetOrgKey) {
            Some(_) => assert!(!read.unwrap().roles.org.is_empty(), "{what}"),
            None => assert!(matches!(read, Err(Error::Unsupported { .. })), "{what}"),
        }

        // A key that is not in the project: 404, as the API answers.
        let again = owner.unassign_from_project(&project, &key).await;
        let again = again.unwrap_err();
        assert_eq!(again.status(), Some(404), "{what}: {again}");
        assert!(again.is_code("API_KEY_NOT_FOUND"), "{what}: {again}");
    })
    .await;
}

#[tokio::test]
async fn delete_removes_the_key_with_its_assignments() {
    let (org, project, key) = ids();
    each_offering(Op::DeleteOrgKey, async |what, emu, as_| {
        let owner = as_(defaults::OWNER);
        let roles = ProjectRoles::new([owner.version().project_roles[0].clone()]);
        owner
            .ensure_project_roles(&project, &key, &roles)
            .await
            .unwrap();
        // Organization Owner only: a reader is refused, another
        // organization's key too; the key stays.
        let reader = as_(defaults::READER).delete_org_key(&org, &key).await;
        assert_eq!(status(reader), Some(403), "{what}");
        let foreign = as_(defaults::FOREIGN).delete_org_key(&org, &key).await;
        assert_eq!(status(foreign), Some(403), "{what}");
        assert!(emu.api_key(defaults::TARGET.id).is_some(), "{what}");

        // The first DELETE is applied and its answer lost (a proxy's 502):
        // the transport sends it again, finds the key gone, and that is done.
        emu.inject(None, atlas_apikeys_emulator::Fault::CommitThen502);
        emu.take_seen();
        owner.delete_org_key(&org, &key).await.unwrap();
        let seen = emu.take_seen();
        assert!(
            seen.iter().filter(|s| s.method == "DELETE").count() >= 2,
            "{what}: sent again"
        );
        let sent = seen.last().unwrap();
        assert_eq!(sent.method, "DELETE", "{what}");
        assert!(sent.path.ends_with(defaults::TARGET.id), "{what}");
        assert!(sent.body.is_empty(), "{what}");
        assert!(emu.api_key(defaults::TARGET.id).is_none(), "{what}");

        // Gone: deleting again, or assigning it, finds no such key.
        let again = owner.delete_org_key(&org, &key).await.unwrap_err();
        assert_eq!(again.status(), Some(404), "{what}: {again}");
        assert!(again.is_code("API_KEY_NOT_FOUND"), "{what}: {again}");
        let assign = owner.ensure_project_roles(&project, &key, &roles).await;
        assert_eq!(assign.err().and_then(|e| e.status()), Some(404), "{what}");
    })
    .await;
}

/// A created key comes back with its private key, whole, and signs in with
/// it; a new key without roles, or with another scope's, is refused before
/// a request exists.
#[tokio::test]
async fn create_answers_the_private_key_once_and_the_key_works() {
    use atlas_apikeys::{Description, NewOrgKey, NewProjectKey, OrgRole};
    let (org, project, _) = ids();
    each_offering(Op::CreateOrgKey, async |what, emu, as_| {
        let owner = as_(defaults::OWNER);
        let desc = Description::new("made by a test").unwrap();
        let new = NewOrgKey::new(desc.clone(), [OrgRole::OrgMember]);
        let created = owner.create_org_key(&org, &new).await.unwrap();
        let private = created.private_key.as_ref().expect("shown once");
        let stored = emu.api_key(created.id.as_str()).unwrap();
        assert_eq!(private.expose_secret(), stored.private_key, "{what}");
        assert!(
            !format!("{created:?}").contains(&stored.private_key),
            "{what}"
        );
        assert_eq!(created.description.as_deref(), Some("made by a test"));
        // The new key signs in (digest, its own pair) and reads itself.
        let public = created.public_key.clone().unwrap();
        let itself = ApiKeys::builder()
            .version(owner.version())
            .base_url(emu.url())
            .api_key(public, private.expose_secret())
            .build()
            .unwrap();
        // Its own organization's keys, itself among them.
        let read = itself.list_org_keys(&org).await.unwrap();
        assert!(read.iter().any(|k| k.id == created.id), "{what}");
        // Read back later, the private key is redacted.
        if let Ok(again) = owner.org_key(&org, &created.id).await {
            let shown = again.private_key.map(|p| p.expose_secret().to_owned());
            assert_ne!(
                shown.as_deref(),
                Some(stored.private_key.as_str()),
                "{what}"
            );
        }

        let project_key =
            NewProjectKey::new(desc.clone(), [owner.version().project_roles[0].clone()]);
        let created = owner
            .create_project_key(&project, &project_key)
            .await
            .unwrap();
        let stored = emu.api_key(created.id.as_str()).unwrap();
        assert!(
            stored.grants.project_roles.contains_key(defaults::PROJECT),
            "{what}"
        );

        // Refused before sending: no roles; a project role for the
        // organization; a reader may not create.
        emu.take_seen();
        let none = owner
            .create_org_key(&org, &NewOrgKey::new(desc.clone(), []))
            .await;
        assert!(matches!(none, Err(Error::Validation(_))), "{what}");
        assert!(emu.take_seen().is_empty(), "{what}: nothing sent");
        let reader = as_(defaults::READER).create_org_key(&org, &new).await;
        assert_eq!(reader.err().and_then(|e| e.status()), Some(403), "{what}");
    })
    .await;
}
