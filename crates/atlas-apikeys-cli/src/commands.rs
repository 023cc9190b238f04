//! The key commands (`org-key list|create|describe|update|delete`,
//! `project-key list|create|assign|update-roles|unassign`): flags to a
//! validated request, sent or held back by a dry-run client (`--dry-run`),
//! and the result printed.

use std::future::Future;

use atlas_apikeys::client::{PlannedRequest, System};
use atlas_apikeys::{
    ApiKey, ApiKeyId, ApiKeys, Description, Ensured, Error, KeyUpdate, NewKey, OrgId, OrgRole,
    Page, PageRequest, ProjectId, ProjectRole, ProjectRoles, ScopedRole,
};
use serde_json::json;

use crate::cli::{AssignArgs, CreateArgs, ListArgs, PageArgs, RemoveArgs, UpdateArgs};
use crate::exit::Failure;
use crate::output::{self, Format};
use crate::scope::{OrgScope, ProjectScope, Target};
use crate::setup::Setup;

/// What every key command runs with.
pub(crate) struct Commands<'a> {
    pub setup: &'a Setup,
    pub format: Format,
    pub allow_unlisted: bool,
}

impl Commands<'_> {
    /// `org-key update`.
    pub async fn update_org_key(&self, args: &UpdateArgs<OrgScope>) -> Result<(), Failure> {
        let (org, key): (OrgId, _) = self.setup.target(&args.target)?;
        let update = self.key_update(args.desc.as_ref(), &args.roles)?;
        self.update(async move |keys| keys.update_org_key(&org, &key, &update).await)
            .await
    }

    /// `org-key describe`: the key in Atlas's shape.
    pub async fn describe_org_key(&self, target: &Target<OrgScope>) -> Result<(), Failure> {
        let (org, key): (OrgId, _) = self.setup.target(target)?;
        let keys = self.setup.client()?;
        let Some(found) = self.send_or_plan(keys.org_key(&org, &key)).await? else {
            return Ok(());
        };
        output::print(self.format, &output::key_json(&found), || {
            output::key_rows(&found)
        })
    }

    /// `org-key list`: every page, or the one `--page` names.
    pub async fn list_org_keys(&self, args: &ListArgs<OrgScope>) -> Result<(), Failure> {
        let org: OrgId = self.setup.scope_id(&args.scope)?;
        let page = page_of(&args.page)?;
        let keys = self.setup.client()?;
        let listed = match page {
            Some(page) => self.send_or_plan(keys.org_keys_page(&org, page)).await?,
            None => {
                let every = async { keys.list_org_keys(&org).await.map(Page::of) };
                self.send_or_plan(every).await?
            }
        };
        listed.map_or(Ok(()), |page| print_page(self.format, &page))
    }

    /// `project-key list`: every page, or the one `--page` names.
    pub async fn list_project_keys(&self, args: &ListArgs<ProjectScope>) -> Result<(), Failure> {
        let project: ProjectId = self.setup.scope_id(&args.scope)?;
        let page = page_of(&args.page)?;
        let keys = self.setup.client()?;
        let listed = match page {
            Some(page) => {
                self.send_or_plan(keys.project_keys_page(&project, page))
                    .await?
            }
            None => {
                let every = async { keys.list_project_keys(&project).await.map(Page::of) };
                self.send_or_plan(every).await?
            }
        };
        listed.map_or(Ok(()), |page| print_page(self.format, &page))
    }

    /// `org-key create`.
    pub async fn create_org_key(&self, args: &CreateArgs<OrgScope>) -> Result<(), Failure> {
        let org: OrgId = self.setup.scope_id(&args.scope)?;
        let new = self.new_key::<OrgRole, _>(args)?;
        self.create(args, async move |keys| {
            keys.create_org_key(&org, &new).await
        })
        .await
    }

    /// `project-key create`.
    pub async fn create_project_key(&self, args: &CreateArgs<ProjectScope>) -> Result<(), Failure> {
        let project: ProjectId = self.setup.scope_id(&args.scope)?;
        let new = self.new_key::<ProjectRole, _>(args)?;
        self.create(args, async move |keys| {
            keys.create_project_key(&project, &new).await
        })
        .await
    }

    /// A new key from the flags, validated for the pinned version.
    fn new_key<R, S>(&self, args: &CreateArgs<S>) -> Result<NewKey<R>, Failure>
    where
        R: ScopedRole + for<'a> From<&'a str>,
        S: crate::scope::ScopeKind,
    {
        let chars = args.desc.chars().count();
        let desc = Description::new(args.desc.clone())
            .map_err(|e| Failure::usage(format!("--desc: {e} (got {chars} characters)")))?;
        let mut new = NewKey::new(desc, args.roles.iter().map(|r| R::from(r.trim())));
        if self.allow_unlisted {
            new = new.allow_unlisted_roles();
        }
        new.checked(self.setup.version).map_err(Failure::from)
    }

    /// The create commands' last steps: the private key's file made first
    /// (a dry run makes none), the call, and the key printed once.
    async fn create<S: crate::scope::ScopeKind>(
        &self,
        args: &CreateArgs<S>,
        call: impl AsyncFnOnce(ApiKeys) -> Result<ApiKey, Error>,
    ) -> Result<(), Failure> {
        let keys = self.setup.client()?;
        let file = match &args.private_key_out {
            Some(path) if !self.setup.dry_run => Some(crate::created::KeyFile::create(path)?),
            _ => None,
        };
        match self.send_or_plan(call(keys)).await {
            Ok(Some(key)) => crate::created::print(self.format, &key, file),
            other => {
                if let Some(file) = file {
                    file.discard();
                }
                // No answer came: the server may have made the key all the
                // same, and its private key is then out of reach.
                other.map(|_| ()).map_err(|f| match f.code {
                    crate::exit::TRANSPORT => f.hint("the key may have been created before the answer was lost: look for it with `org-key list`, and delete it"),
                    _ => f,
                })
            }
        }
    }

    /// `org-key delete`: asked first, unless `--force`.
    pub async fn delete_org_key(&self, args: &RemoveArgs<OrgScope>) -> Result<(), Failure> {
        let (org, key): (OrgId, ApiKeyId) = self.setup.target(&args.target)?;
        let action = format!("delete API key {key} of organization {org}");
        let done = json!({ "result": "deleted", "id": key, "orgId": org });
        self.remove(args.force, &action, done, async move |keys| {
            keys.delete_org_key(&org, &key).await
        })
        .await
    }

    /// `project-key unassign`: asked first, unless `--force`.
    pub async fn unassign(&self, args: &RemoveArgs<ProjectScope>) -> Result<(), Failure> {
        let (project, key): (ProjectId, ApiKeyId) = self.setup.target(&args.target)?;
        let action = format!("unassign API key {key} from project {project}");
        let done = json!({ "result": "unassigned", "id": key, "groupId": project });
        self.remove(args.force, &action, done, async move |keys| {
            keys.unassign_from_project(&project, &key).await
        })
        .await
    }

    /// The removal commands' last steps: confirmation (a dry run asks
    /// nothing: it sends nothing), the call, and `done` printed.
    pub(crate) async fn remove(
        &self,
        force: bool,
        action: &str,
        done: serde_json::Value,
        call: impl AsyncFnOnce(ApiKeys) -> Result<(), Error>,
    ) -> Result<(), Failure> {
        // Credentials first: a yes is not asked for a call that cannot go.
        let keys = self.setup.client()?;
        if !self.setup.dry_run {
            crate::confirm::confirm(force, action)?;
        }
        if self.send_or_plan(call(keys)).await?.is_none() {
            return Ok(());
        }
        output::print(self.format, &done, || vec![("done", action.to_owned())])
    }

    /// `project-key update-roles`.
    pub async fn update_roles(&self, args: &UpdateArgs<ProjectScope>) -> Result<(), Failure> {
        let (project, key) = self.setup.target(&args.target)?;
        let update = self.key_update(args.desc.as_ref(), &args.roles)?;
        self.update(async move |keys: ApiKeys| {
            keys.update_project_roles(&project, &key, &update).await
        })
        .await
    }

    /// The update commands' last steps, on either scope: the call (sent or
    /// planned), and the result.
    async fn update(
        &self,
        call: impl AsyncFnOnce(ApiKeys) -> Result<ApiKey, Error>,
    ) -> Result<(), Failure> {
        let keys = self.setup.client()?;
        match self.send_or_plan(call(keys)).await? {
            Some(updated) => print_key_result(self.format, "updated", &updated),
            None => Ok(()),
        }
    }

    /// `project-key assign`: idempotent unless `--strict`.
    pub async fn assign(&self, args: &AssignArgs) -> Result<(), Failure> {
        let (project, key): (ProjectId, _) = self.setup.target(&args.target)?;
        if args.strict && self.setup.version.system != System::Atlas {
            return Err(Failure::usage(
                "--strict: Cloud Manager and Ops Manager assign with the PATCH that also replaces roles, and their answer does not say whether the key was in the project before; leave out --strict",
            ));
        }
        let mut wanted = ProjectRoles::new(args.roles.iter().map(|r| ProjectRole::from(r.trim())));
        if self.allow_unlisted {
            wanted = wanted.allow_unlisted_roles();
        }
        // Checked once, here, before credentials are read; the client sends
        // it without checking again.
        let wanted = wanted.checked(self.setup.version).map_err(Failure::from)?;
        let keys = self.setup.client()?;
        let role_list: Vec<&str> = wanted.roles().iter().map(ProjectRole::as_str).collect();
        let format = self.format;
        if args.strict {
            let call = keys.assign_to_project(&project, &key, &wanted);
            return match self.send_or_plan(call).await? {
                Some(_) => print_assigned(format, "assigned", &project, &key, &role_list),
                None => Ok(()),
            };
        }
        let call = keys.ensure_project_roles(&project, &key, &wanted);
        match self.send_or_plan(call).await? {
            None => Ok(()),
            Some(Ensured::Updated(updated)) => print_key_result(format, "updated", &updated),
            Some(Ensured::Set(updated)) => print_key_result(format, "assigned", &updated),
            Some(Ensured::Present(key)) => print_key_result(format, "present", &key),
            Some(_) => print_assigned(format, "assigned", &project, &key, &role_list),
        }
    }

    /// A description and/or roles from the flags, only what was given,
    /// validated for the pinned version.
    fn key_update<R>(
        &self,
        desc: Option<&String>,
        roles: &[String],
    ) -> Result<KeyUpdate<R>, Failure>
    where
        R: ScopedRole + for<'a> From<&'a str>,
    {
        let mut update = KeyUpdate::<R>::new();
        if let Some(d) = desc {
            let chars = d.chars().count();
            update = update
                .description(Description::new(d.clone()).map_err(|e| {
                    Failure::usage(format!("--desc: {e} (got {chars} characters)"))
                })?);
        }
        if !roles.is_empty() {
            update = update.roles(roles.iter().map(|r| R::from(r.trim())));
        }
        if self.allow_unlisted {
            update = update.allow_unlisted_roles();
        }
        update.checked(self.setup.version).map_err(Failure::from)
    }

    /// Runs `call`; on a dry run (a client that sends nothing), prints the
    /// request it held back instead of a result.
    pub(crate) async fn send_or_plan<T>(
        &self,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<Option<T>, Failure> {
        match call.await {
            Err(Error::Planned(request)) => {
                print_plan(self.format, std::slice::from_ref(&*request))?;
                Ok(None)
            }
            other => other.map(Some).map_err(|e| self.setup.explain(e)),
        }
    }
}

/// `--page` and `--limit`, checked before anything is read or sent.
pub(crate) fn page_of(args: &PageArgs) -> Result<Option<PageRequest>, Failure> {
    args.page
        .map(|n| PageRequest::new(n, args.limit.unwrap_or(100)))
        .transpose()
        .map_err(|e| Failure::from(Error::Validation(e)))
}

/// A page of keys: Atlas's shape in JSON, a line per key in a table.
fn print_page(format: Format, page: &Page<ApiKey>) -> Result<(), Failure> {
    let value = serde_json::to_value(page).unwrap_or(serde_json::Value::Null);
    output::print(format, &value, || {
        let mut rows: Vec<(&str, String)> = page
            .results
            .iter()
            .map(|k| {
                let public = k.public_key.as_deref().unwrap_or("-");
                let desc = k.description.as_deref().unwrap_or("");
                ("key", format!("{}  {public}  {desc}", k.id))
            })
            .collect();
        let total = page.total_count.map_or("?".into(), |t| t.to_string());
        rows.push(("total", total));
        rows
    })
}

/// Prints the requests a dry run collected.
fn print_plan(format: Format, requests: &[PlannedRequest]) -> Result<(), Failure> {
    let value = json!({
        "dryRun": true,
        "requests": requests.iter().map(|r| json!({
            "method": r.method,
            "url": r.url,
            "headers": r.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "body": r.body.as_deref().map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap_or(json!(b))),
        })).collect::<Vec<_>>(),
    });
    output::print(format, &value, || {
        let mut rows = vec![("dry run", "nothing was sent".to_owned())];
        for r in requests {
            rows.push(("request", format!("{} {}", r.method, r.url)));
            for (k, v) in &r.headers {
                rows.push(("header", format!("{k}: {v}")));
            }
            if let Some(b) = &r.body {
                rows.push(("body", b.clone()));
            }
        }
        rows
    })
}

fn print_assigned(
    format: Format,
    result: &str,
    project: &ProjectId,
    key: &ApiKeyId,
    roles: &[&str],
) -> Result<(), Failure> {
    let value = json!({
        "result": result,
        "id": key.as_str(),
        "desc": null,
        "publicKey": null,
        "roles": roles.iter().map(|r| json!({ "groupId": project.as_str(), "roleName": r })).collect::<Vec<_>>(),
    });
    output::print(format, &value, || {
        vec![
            ("result", result.to_owned()),
            ("id", key.to_string()),
            ("project roles", format!("{project}: {}", roles.join(", "))),
        ]
    })
}

fn print_key_result(format: Format, result: &str, key: &ApiKey) -> Result<(), Failure> {
    let mut value = output::key_json(key);
    value["result"] = json!(result);
    output::print(format, &value, || {
        let mut rows = vec![("result", result.to_owned())];
        rows.extend(output::key_rows(key));
        rows
    })
}
