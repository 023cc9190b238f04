//! insta snapshots of the generated surface: one per version module (surface and media table), one per shape, one each for enums, catalogue, media and records.

use super::*;

/// One snapshot per version module (its own surface and media table), one
/// per shape, one each for the shared enums, catalogue, media and records: adding a version
/// adds its snapshots and rewrites none of the others.
#[test]
fn public_surface_and_media_table_per_version() {
    let g = generate_from(&workspace_root());
    assert!(!g.fragments.is_empty());
    for f in &g.fragments {
        let surface = surface::of_source(file(&g, &format!("{}.rs", f.module))).expect("parses");
        insta::assert_snapshot!(format!("surface_{}", f.module), surface);
        insta::assert_snapshot!(
            format!("media_{}", f.module),
            media_table(&f.prepared.media)
        );
    }
    for shape in &g.shapes {
        let surface =
            surface::of_source(file(&g, &format!("{}.rs", shape.module))).expect("parses");
        insta::assert_snapshot!(format!("surface_{}", shape.module), surface);
    }
    for name in ["enums", "catalogue", "media", "records"] {
        let surface = surface::of_source(file(&g, &format!("{name}.rs"))).expect("parses");
        insta::assert_snapshot!(format!("surface_{name}"), surface);
    }
}

/// Every version of a family shares one client, whatever the versions are,
/// and N versions cost at most 1.2x the lines of the newest alone.
#[test]
fn versions_of_one_family_share_one_generated_client() {
    let g = generate_from(&workspace_root());
    for shape in &g.shapes {
        let family: Vec<_> = shape.members.iter().map(|&i| &g.fragments[i]).collect();
        assert!(shape.module.starts_with("shape_"), "{}", shape.module);
        for f in family.iter().filter(|f| f.version.contains('-')) {
            assert!(
                !shape.module.contains(&f.version.replace(['-', '.'], "_")),
                "{} is named after a version",
                shape.module
            );
        }
    }
    let mut systems: Vec<&str> = g.fragments.iter().map(|f| f.system.as_str()).collect();
    systems.dedup();
    for system in systems {
        let shapes: std::collections::BTreeSet<_> = g
            .shapes
            .iter()
            .filter(|s| s.members.iter().any(|&i| g.fragments[i].system == system))
            .map(|s| s.module.clone())
            .collect();
        assert_eq!(
            shapes.len(),
            1,
            "{system} versions share one client: {shapes:?}"
        );
    }
    for grown in codegen::growth(&g.fragments).unwrap() {
        let ratio = grown.ratio();
        assert!(
            ratio <= 1.2,
            "{}: {} versions cost {ratio:.2}x one",
            grown.system,
            grown.versions
        );
    }
}
