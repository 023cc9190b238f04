//! Generated open enums: known values map to variants, anything else is kept
//! verbatim, and serde and string conversions agree.

use atlas_apikeys_client::newest_atlas::{
    ORG_ROLES, OrgRole, PROJECT_ROLES, ProjectRole, RoleName,
};

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
    let r: RoleName = serde_json::from_str("\"ORG_FUTURE_ROLE\"").unwrap();
    assert_eq!(r, RoleName::Unknown("ORG_FUTURE_ROLE".into()));
    assert!(!r.is_known());
    assert_eq!(serde_json::to_string(&r).unwrap(), "\"ORG_FUTURE_ROLE\"");
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
    // Every version module's lists are its system's catalogue entry.
    for v in atlas_apikeys_client::VERSIONS {
        let entry = atlas_apikeys_client::catalogue::CATALOGUE
            .iter()
            .find(|e| e.system == v.system)
            .expect("every system has a catalogue entry");
        assert_eq!(v.org_roles, entry.org, "{} {}", v.system, v.version);
        assert_eq!(v.project_roles, entry.project, "{} {}", v.system, v.version);
    }
    let _ = (ORG_ROLES, PROJECT_ROLES);
}
