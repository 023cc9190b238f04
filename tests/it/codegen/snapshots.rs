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
    for name in ["enums", "catalogue", "media"] {
        let surface = surface::of_source(file(&g, &format!("{name}.rs"))).expect("parses");
        insta::assert_snapshot!(format!("surface_{name}"), surface);
    }
}

/// Every version of a family shares one client, whatever the versions are,
/// and a version of the same wire shape costs the same lines however many
/// there are already: its own module and table rows, never a client.
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
    // Copies of each dated system's newest version under later dates: the
    // same wire shape, so the same clients, and each copy costs what the
    // first one did.
    let newest: Vec<_> = g
        .fragments
        .iter()
        .filter(|f| f.version.contains('-'))
        .fold(std::collections::BTreeMap::new(), |mut m, f| {
            m.insert(f.system.clone(), f.clone());
            m
        })
        .into_values()
        .collect();
    let with_copies = |copies: usize| {
        let mut fragments = g.fragments.clone();
        for f in &newest {
            for n in 1..=copies {
                let mut copy = f.clone();
                copy.version = format!("9999-{n:02}-01");
                copy.module = copy.module.replace(
                    &f.version.replace('-', "_"),
                    &copy.version.replace('-', "_"),
                );
                fragments.push(copy);
            }
        }
        fragments.sort_by(|a, b| (&a.system, &a.version).cmp(&(&b.system, &b.version)));
        codegen::generate(fragments).unwrap()
    };
    let (one, two, three) = (with_copies(1), with_copies(2), with_copies(3));
    for grown in [&one, &two, &three] {
        let modules = |g: &codegen::Generated| {
            g.shapes
                .iter()
                .map(|s| s.module.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(modules(grown), modules(&g), "same wire shape, same clients");
        for shape in &g.shapes {
            let name = format!("{}.rs", shape.module);
            // The header names every version the client serves; the code
            // below it is the same.
            let code = |g| {
                file(g, &name)
                    .lines()
                    .filter(|l| !l.starts_with("//"))
                    .collect::<Vec<_>>()
            };
            assert!(
                code(grown) == code(&g),
                "{name} grows with same-shape versions"
            );
        }
    }
    if !newest.is_empty() {
        // (The first copy also takes over "newest", so it is the baseline.)
        assert_eq!(
            three.total_lines() - two.total_lines(),
            two.total_lines() - one.total_lines(),
            "every same-shape version costs the same"
        );
    }
}
