//! Every documented rule is enforced before anything is sent.

use super::*;

#[tokio::test]
async fn every_rule_is_enforced_before_anything_is_sent() {
    let server = vouching_emulator().await;
    let version = atlas_apikeys::latest_atlas_version();
    let keys = keys_for(&server, version).await;
    let (org, project, key) = (org(), project(), key());

    // Update org key: at least one of description and roles; roles, if
    // given, non-empty, without duplicates (rejected, not silently
    // deduplicated), all organization roles. What the message must name.
    for (update, field, rule, names) in [
        (
            OrgKeyUpdate::new(),
            "body",
            Rule::NothingToUpdate,
            &["give a description, roles, or both"][..],
        ),
        (
            OrgKeyUpdate::new().roles([]),
            "roles",
            Rule::EmptyRoles,
            &["at least one role"],
        ),
        (
            OrgKeyUpdate::new().roles([OrgRole::OrgMember, OrgRole::OrgOwner, OrgRole::OrgMember]),
            "roles[2]",
            Rule::DuplicateRole,
            &["\"ORG_MEMBER\""],
        ),
        (
            OrgKeyUpdate::new().roles([OrgRole::from("GROUP_OWNER")]),
            "roles[0]",
            Rule::WrongScope {
                expected: "organization",
            },
            &["GROUP_OWNER", "organization roles"],
        ),
    ] {
        let text = rejected(
            &server,
            keys.update_org_key(&org, &key, &update).await,
            field,
            &rule,
        );
        assert!(names.iter().all(|n| text.contains(n)), "{text}");
    }
    // Only roles this version documents, unless the caller opts in.
    let unlisted = OrgKeyUpdate::new().roles([OrgRole::from("ORG_FUTURE_ROLE")]);
    let err = keys
        .update_org_key(&org, &key, &unlisted)
        .await
        .unwrap_err();
    assert!(
        matches!(&err.validation().unwrap().rule, Rule::NotDocumented { scope: "organization", target, documented } if *target == format!("atlas {}", version.version) && documented.len() == version.org_roles.len()),
        "{err}"
    );
    assert!(
        err.to_string().contains("ORG_FUTURE_ROLE")
            && err.to_string().contains("allow unlisted roles"),
        "{err}"
    );
    assert!(server.take_seen().is_empty());
    // Opting in still rejects malformed names.
    rejected(
        &server,
        keys.update_org_key(
            &org,
            &key,
            &OrgKeyUpdate::new()
                .roles([OrgRole::from("org owner")])
                .allow_unlisted_roles(),
        )
        .await,
        "roles[0]",
        &Rule::RoleNameFormat,
    );
    // Opting in lets a well-formed new role through.
    server.reply(Reply::json(200, key_json()));
    keys.update_org_key(&org, &key, &unlisted.clone().allow_unlisted_roles())
        .await
        .unwrap();
    assert_eq!(
        take_one(&server).json().expect("JSON body"),
        json!({ "roles": ["ORG_FUTURE_ROLE"] })
    );

    // Assign: roles required, non-empty, all project roles, no duplicates.
    for (roles, field, rule) in [
        (ProjectRoles::new([]), "roles", Rule::EmptyRoles),
        (
            ProjectRoles::new([ProjectRole::from("ORG_OWNER")]),
            "roles[0]",
            Rule::WrongScope {
                expected: "project",
            },
        ),
        (
            ProjectRoles::new([ProjectRole::GroupOwner, ProjectRole::GroupOwner]),
            "roles[1]",
            Rule::DuplicateRole,
        ),
    ] {
        rejected(
            &server,
            keys.assign_to_project(&project, &key, &roles).await,
            field,
            &rule,
        );
    }
    // And documented.
    let err = keys
        .assign_to_project(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::from("GROUP_AUTOMATION_ADMIN")]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.validation().unwrap().rule,
            Rule::NotDocumented {
                scope: "project",
                ..
            }
        ),
        "{err}"
    );
    assert!(server.take_seen().is_empty());
    rejected(
        &server,
        keys.ensure_project_roles(&project, &key, &ProjectRoles::new([]))
            .await,
        "roles",
        &Rule::EmptyRoles,
    );

    // Update project roles: at least one of description and roles; roles
    // non-empty, project roles.
    for (update, field, rule) in [
        (ProjectKeyUpdate::new(), "body", Rule::NothingToUpdate),
        (ProjectKeyUpdate::new().roles([]), "roles", Rule::EmptyRoles),
        (
            ProjectKeyUpdate::new().roles([ProjectRole::from("ORG_READ_ONLY")]),
            "roles[0]",
            Rule::WrongScope {
                expected: "project",
            },
        ),
    ] {
        rejected(
            &server,
            keys.update_project_roles(&project, &key, &update).await,
            field,
            &rule,
        );
    }
}

#[tokio::test]
async fn bad_ids_and_descriptions_never_become_requests() {
    // Typed inputs make these unrepresentable; the parse errors say why.
    let cases = [
        (
            "32b6e34b3d91647abb20e7b",
            "orgId: must be 24 hexadecimal characters (0-9, a-f, lower case); got 23 characters (got \"32b6e34b3d91647abb20e7b\")",
        ),
        (
            "32b6e34b3d91647abb20e7bz",
            "character 24 ('z') is not a hex digit",
        ),
        (
            " 32b6e34b3d91647abb20e7b",
            "character 1 (' ') is not a hex digit",
        ),
    ];
    for (input, expected) in cases {
        let err = Error::from(input.parse::<OrgId>().unwrap_err());
        let v = err.validation().unwrap();
        assert_eq!(v.field, "orgId");
        assert!(err.to_string().contains(expected), "{err}");
    }
    let err = Error::from("zmmrboas".parse::<ApiKeyId>().unwrap_err());
    assert_eq!(err.validation().unwrap().field, "apiUserId");
    assert!(err.to_string().contains("public key"), "{err}");
    let err = Error::from(Description::new("x".repeat(251)).unwrap_err());
    let v = err.validation().unwrap();
    assert_eq!(
        (v.field.as_str(), &v.rule),
        ("desc", &Rule::DescriptionLength)
    );
    assert!(err.to_string().contains("(251 characters)"), "{err}");
}

/// A value checked once (as the command line checks before it reads
/// credentials) is sent without being checked again, but only to a client
/// of the version it was checked for, and only as it was: a change after
/// the check, or another version, is checked again before sending.
#[tokio::test]
async fn a_checked_value_is_checked_again_after_a_change_or_for_another_version() {
    let server = vouching_emulator().await;
    let version = atlas_apikeys::latest_atlas_version();
    let keys = keys_for(&server, version).await;

    let checked = OrgKeyUpdate::new()
        .roles([OrgRole::OrgMember])
        .checked(version)
        .unwrap();
    let changed = checked.roles([OrgRole::from("GROUP_OWNER")]);
    rejected(
        &server,
        keys.update_org_key(&org(), &key(), &changed).await,
        "roles[0]",
        &Rule::WrongScope {
            expected: "organization",
        },
    );

    // A project role one version documents and this one does not, if the
    // catalogue has one: checked for that version, refused by this one.
    let elsewhere = atlas_apikeys::client::VERSIONS.iter().find_map(|other| {
        let role = other
            .project_roles
            .iter()
            .find(|r| !version.project_roles.contains(r))?;
        Some((*other, role.clone()))
    });
    let Some((other, role)) = elsewhere else {
        return;
    };
    let roles = ProjectRoles::new([role]).checked(other).unwrap();
    let err = keys
        .assign_to_project(&project(), &key(), &roles)
        .await
        .expect_err("checked for another version");
    assert!(
        matches!(
            err.validation().map(|v| &v.rule),
            Some(Rule::NotDocumented { .. })
        ),
        "{err}"
    );
    assert!(server.take_seen().is_empty());
}
