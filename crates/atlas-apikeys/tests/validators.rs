//! Property tests for every validator: everything valid is accepted and
//! round-trips through serde and `FromStr`/`Display`; generated invalid input
//! is rejected with the right rule.

use atlas_apikeys::{ApiKeyId, Description, IdKind, IdProblem, OrgId, ProjectId};
use proptest::prelude::*;

fn valid_id() -> impl Strategy<Value = String> {
    "[a-f0-9]{24}"
}

proptest! {
    #[test]
    fn valid_ids_are_accepted_and_round_trip(s in valid_id()) {
        let org: OrgId = s.parse().unwrap();
        prop_assert_eq!(org.as_str(), s.as_str());
        prop_assert_eq!(org.to_string(), s.clone());
        let json = serde_json::to_string(&org).unwrap();
        prop_assert_eq!(&json, &format!("\"{s}\""));
        prop_assert_eq!(serde_json::from_str::<OrgId>(&json).unwrap(), org);
        prop_assert_eq!(ProjectId::parse(&s).unwrap().to_string(), s.clone());
        prop_assert_eq!(ApiKeyId::try_from(s.clone()).unwrap().to_string(), s.clone());
    }

    #[test]
    fn wrong_lengths_are_rejected_as_length(s in "[a-f0-9]{1,60}") {
        prop_assume!(s.len() != 24);
        let err = OrgId::parse(&s).unwrap_err();
        prop_assert_eq!(err.kind(), IdKind::Org);
        prop_assert_eq!(err.problem(), &IdProblem::Length { found: s.len() });
        prop_assert!(err.to_string().starts_with("orgId (organization id)"));
    }

    #[test]
    fn the_first_uppercase_hex_digit_is_named(s in valid_id(), at in 0usize..24, c in "[A-F]") {
        let mut chars: Vec<char> = s.chars().collect();
        // Everything before `at` stays lower case, so `at` is the first bad one.
        chars[at] = c.chars().next().unwrap();
        let input: String = chars.into_iter().collect();
        let err = ProjectId::parse(&input).unwrap_err();
        prop_assert_eq!(err.problem(), &IdProblem::Uppercase { position: at + 1, found: c.chars().next().unwrap() });
        prop_assert!(err.to_string().contains("upper case"));
    }

    #[test]
    fn the_first_non_hex_character_is_named(s in valid_id(), at in 0usize..24, c in "[g-zG-Z _./\\-é🚀]") {
        let mut chars: Vec<char> = s.chars().collect();
        let bad = c.chars().next().unwrap();
        chars[at] = bad;
        let input: String = chars.into_iter().collect();
        let err = ApiKeyId::parse(&input).unwrap_err();
        prop_assert_eq!(err.problem(), &IdProblem::NotHex { position: at + 1, found: bad });
    }

    #[test]
    fn any_input_is_accepted_exactly_when_it_matches_the_pattern(s in any::<String>()) {
        let matches = s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        prop_assert_eq!(OrgId::parse(&s).is_ok(), matches);
        if let Err(e) = ApiKeyId::parse(&s) {
            // Messages never panic and never echo more than a bounded prefix.
            let text = e.to_string();
            prop_assert!(text.chars().count() < 400, "{}", text);
        }
    }

    #[test]
    fn public_keys_get_a_hint(s in "[a-z]{8}") {
        prop_assume!(s.bytes().any(|b| b > b'f'));
        let err = ApiKeyId::parse(&s).unwrap_err();
        prop_assert_eq!(err.problem(), &IdProblem::PublicKey);
        prop_assert!(err.to_string().contains("public key"));
    }

    #[test]
    fn private_keys_are_never_echoed(s in "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}") {
        let err = ApiKeyId::parse(&s).unwrap_err();
        prop_assert_eq!(err.problem(), &IdProblem::PrivateKey);
        prop_assert!(!err.to_string().contains(&s));
        let debug = format!("{:?}", err);
        prop_assert!(!debug.contains(&s));
    }

    #[test]
    fn descriptions_of_1_to_250_characters_round_trip(s in "\\PC{1,250}") {
        let d = Description::new(s.clone()).unwrap();
        prop_assert_eq!(d.as_str(), s.as_str());
        prop_assert_eq!(d.to_string(), s.clone());
        prop_assert_eq!(s.parse::<Description>().unwrap(), d.clone());
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<Description>(&json).unwrap(), d);
    }

    #[test]
    fn descriptions_count_code_points_not_bytes(n in 1usize..=250, c in "[é中🚀]") {
        let s = c.repeat(n);
        prop_assert!(s.len() > 250 || n <= 250);
        prop_assert!(Description::new(s).is_ok());
    }

    #[test]
    fn descriptions_over_250_characters_are_rejected(s in "\\PC{251,400}") {
        let err = Description::new(s.clone()).unwrap_err();
        prop_assert_eq!(err.chars(), s.chars().count());
        let text = err.to_string();
        prop_assert!(text.starts_with("desc "), "{}", text);
        prop_assert!(text.contains("1 to 250 characters"));
        prop_assert!(serde_json::from_str::<Description>(&serde_json::to_string(&s).unwrap()).is_err());
    }
}

#[test]
fn empty_inputs_are_rejected() {
    assert_eq!(OrgId::parse("").unwrap_err().problem(), &IdProblem::Empty);
    let err = Description::new("").unwrap_err();
    assert_eq!(err.chars(), 0);
    assert!(serde_json::from_str::<OrgId>("42").is_err());
}

mod roles {
    use atlas_apikeys::client::newest_atlas::API_VERSION as V;
    use atlas_apikeys::{OrgKeyUpdate, OrgRole, ProjectKeyUpdate, ProjectRole, ProjectRoles, Rule};
    use proptest::prelude::*;
    use proptest::sample::subsequence;

    proptest! {
        #[test]
        fn any_nonempty_set_of_documented_roles_is_accepted(
            org in subsequence(V.org_roles.to_vec(), 1..=V.org_roles.len()),
            project in subsequence(V.project_roles.to_vec(), 1..=V.project_roles.len()),
        ) {
            prop_assert!(OrgKeyUpdate::new().roles(org.clone()).validate(&V).is_ok());
            prop_assert!(ProjectRoles::new(project.clone()).validate(&V).is_ok());
            prop_assert!(ProjectKeyUpdate::new().roles(project).validate(&V).is_ok());
        }

        #[test]
        fn a_repeated_role_is_named_at_its_second_position(
            roles in subsequence(V.project_roles.to_vec(), 1..=V.project_roles.len()),
            pick in any::<prop::sample::Index>(),
        ) {
            let dup = pick.get(&roles).clone();
            let mut list = roles.clone();
            list.push(dup);
            let err = ProjectRoles::new(list.clone()).validate(&V).unwrap_err();
            prop_assert_eq!(err.rule, Rule::DuplicateRole);
            prop_assert_eq!(err.field, format!("roles[{}]", list.len() - 1));
        }

        #[test]
        fn project_roles_never_pass_as_organization_roles(p in subsequence(V.project_roles.to_vec(), 1..=1)) {
            let as_org = OrgRole::from(p[0].as_str());
            let err = OrgKeyUpdate::new().roles([as_org]).allow_unlisted_roles().validate(&V).unwrap_err();
            prop_assert_eq!(err.rule, Rule::WrongScope { expected: "organization" });
        }

        #[test]
        fn unknown_names_need_the_opt_in_and_a_well_formed_name(suffix in "[A-Z][A-Z0-9_]{0,20}", junk in "[a-z .-]{1,10}") {
            let name = format!("GROUP_{suffix}");
            prop_assume!(!V.project_roles.iter().any(|r| r.as_str() == name));
            let strict = ProjectRoles::new([ProjectRole::from(name.as_str())]).validate(&V).unwrap_err();
            let is_not_documented = matches!(strict.rule, Rule::NotDocumented { .. });
            prop_assert!(is_not_documented, "{}", strict);
            prop_assert!(ProjectRoles::new([ProjectRole::from(name.as_str())]).allow_unlisted_roles().validate(&V).is_ok());
            let malformed = ProjectRoles::new([ProjectRole::from(junk.as_str())]).allow_unlisted_roles().validate(&V).unwrap_err();
            prop_assert_eq!(malformed.rule, Rule::RoleNameFormat);
        }
    }

    #[test]
    fn empty_updates_and_empty_lists_are_rejected() {
        assert_eq!(
            OrgKeyUpdate::new().validate(&V).unwrap_err().rule,
            Rule::NothingToUpdate
        );
        assert_eq!(
            ProjectKeyUpdate::new().validate(&V).unwrap_err().rule,
            Rule::NothingToUpdate
        );
        assert_eq!(
            OrgKeyUpdate::new().roles([]).validate(&V).unwrap_err().rule,
            Rule::EmptyRoles
        );
        assert_eq!(
            ProjectRoles::new([]).validate(&V).unwrap_err().rule,
            Rule::EmptyRoles
        );
    }
}

/// A private key pasted where an id or a role goes is never echoed, however
/// it is wrapped (a trailing newline, quotes, spaces, other text).
#[test]
fn a_pasted_private_key_is_withheld_however_it_is_wrapped() {
    const KEY: &str = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d";
    for input in [
        format!("{KEY}\n"),
        format!("\"{KEY}\""),
        format!("  {KEY} "),
        format!("key={KEY}"),
    ] {
        let err = atlas_apikeys::ApiKeyId::parse(&input).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("4a6b"), "{input:?}: {text}");
        let role = atlas_apikeys::OrgKeyUpdate::new()
            .roles([atlas_apikeys::OrgRole::from(input.as_str())]);
        let err = role
            .validate(atlas_apikeys::latest_atlas_version())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("4a6b"), "{input:?}: {err}");
    }
}
