//! Generated open enums: known values map to variants, anything else is kept
//! verbatim, and serde and string conversions agree.

use atlas_apikeys_client::v2025_02_19::{ORG_ROLES, OrgRole, PROJECT_ROLES, ProjectRole, RoleName};

#[test]
fn known_values_round_trip_through_every_conversion() {
    for role in OrgRole::KNOWN {
        let wire = role.as_str();
        assert!(wire.starts_with("ORG_"));
        assert_eq!(&OrgRole::from_wire(wire), role);
        assert_eq!(&wire.parse::<OrgRole>().unwrap(), role);
        assert_eq!(&OrgRole::from(wire.to_owned()), role);
        assert_eq!(role.to_string(), wire);
        let json = serde_json::to_string(role).unwrap();
        assert_eq!(json, format!("\"{wire}\""));
        assert_eq!(&serde_json::from_str::<OrgRole>(&json).unwrap(), role);
        assert!(role.is_known());
    }
    for role in ProjectRole::KNOWN {
        assert!(role.as_str().starts_with("GROUP_"));
        assert_eq!(&ProjectRole::from_wire(role.as_str()), role);
    }
}

#[test]
fn unknown_values_are_kept_verbatim() {
    let r: RoleName = serde_json::from_str("\"ORG_STREAM_PROCESSING_ADMIN\"").unwrap();
    assert_eq!(r, RoleName::Unknown("ORG_STREAM_PROCESSING_ADMIN".into()));
    assert!(!r.is_known());
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        "\"ORG_STREAM_PROCESSING_ADMIN\""
    );
    assert_eq!(OrgRole::from(""), OrgRole::Unknown(String::new()));
    // Wire values are case-sensitive, as the API's are.
    assert_eq!(
        OrgRole::from("org_owner"),
        OrgRole::Unknown("org_owner".into())
    );
    // Not a string at all is still a deserialization error, not a panic.
    assert!(serde_json::from_str::<OrgRole>("42").is_err());
    assert!(serde_json::from_str::<OrgRole>("null").is_err());
}

#[test]
fn version_lists_are_the_documented_roles() {
    let org: Vec<&str> = ORG_ROLES.iter().map(OrgRole::as_str).collect();
    assert_eq!(
        org,
        [
            "ORG_OWNER",
            "ORG_MEMBER",
            "ORG_GROUP_CREATOR",
            "ORG_BILLING_ADMIN",
            "ORG_BILLING_READ_ONLY",
            "ORG_READ_ONLY"
        ]
    );
    let mut project: Vec<&str> = PROJECT_ROLES.iter().map(ProjectRole::as_str).collect();
    project.sort_unstable();
    assert_eq!(
        project,
        [
            "GROUP_BACKUP_MANAGER",
            "GROUP_CLUSTER_MANAGER",
            "GROUP_DATABASE_ACCESS_ADMIN",
            "GROUP_DATA_ACCESS_ADMIN",
            "GROUP_DATA_ACCESS_READ_ONLY",
            "GROUP_DATA_ACCESS_READ_WRITE",
            "GROUP_OBSERVABILITY_VIEWER",
            "GROUP_OWNER",
            "GROUP_READ_ONLY",
            "GROUP_SEARCH_INDEX_EDITOR",
            "GROUP_STREAM_PROCESSING_OWNER",
        ]
    );
}
