//! The life of a key past its first three operations, on every version that
//! offers each: unassigning it from a project and deleting it, through the
//! SDK against the emulator, with the roles each takes and the errors each
//! gives for what is not there.

use atlas_apikeys::client::Op;
use atlas_apikeys::{ApiKeyId, ApiKeys, Error, OrgId, ProjectId, ProjectRoles};
use atlas_apikeys_emulator::{Config, Emulator, defaults};

fn ids() -> (OrgId, ProjectId, ApiKeyId) {
    (
        defaults::ORG.parse().unwrap(),
        defaults::PROJECT.parse().unwrap(),
        defaults::TARGET.id.parse().unwrap(),
    )
}

/// Every version codegen emitted that offers `op`, with an emulator of its
/// system and a client as `who`.
async fn each_offering(
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
        assert!(
            read.is_ok() || matches!(read, Err(Error::Unsupported { .. })),
            "{what}"
        );

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

        emu.take_seen();
        owner.delete_org_key(&org, &key).await.unwrap();
        let seen = emu.take_seen();
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
