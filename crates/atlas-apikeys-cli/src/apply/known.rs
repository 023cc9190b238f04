//! What `apply` has seen of each key: the project roles that the latest
//! response carrying the key says it has. Every answer that returns a key
//! (the organization PATCH, the project PATCH) returns all of its roles, so
//! a run that sent a project item per project would read the key once per
//! project, quadratic in the key's projects. Instead, a project item whose
//! roles the key is already seen to have is not sent: a re-run sends one
//! request per key in flight, then reports the rest as unchanged.

use std::collections::HashMap;
use std::sync::Mutex;

use atlas_apikeys::{ApiKey, ApiKeyId, ProjectId, ProjectRoles};

/// Each key's project roles, as last seen, names sorted.
#[derive(Default)]
pub(super) struct Known(Mutex<HashMap<ApiKeyId, HashMap<ProjectId, Vec<String>>>>);

impl Known {
    /// Takes `key`'s roles as its state now, in one pass over them.
    pub(super) fn record(&self, key: &ApiKey) {
        let mut projects: HashMap<ProjectId, Vec<String>> = HashMap::new();
        for r in &key.roles.project {
            projects
                .entry(r.project_id)
                .or_default()
                .push(r.role.as_str().to_owned());
        }
        for roles in projects.values_mut() {
            roles.sort_unstable();
        }
        self.lock().insert(key.id, projects);
    }

    /// Whether `key` was last seen with exactly `roles` in `project`.
    pub(super) fn already(
        &self,
        key: &ApiKeyId,
        project: &ProjectId,
        roles: &ProjectRoles,
    ) -> bool {
        let known = self.lock();
        let Some(have) = known.get(key).and_then(|projects| projects.get(project)) else {
            return false;
        };
        let mut want: Vec<&str> = roles.roles().iter().map(|r| r.as_str()).collect();
        want.sort_unstable();
        have.len() == want.len() && have.iter().zip(&want).all(|(h, w)| h == w)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<ApiKeyId, HashMap<ProjectId, Vec<String>>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
