//! Demo resource: an organization's projects, kept in memory.
//!
//! These routes exist to show the `read-light` and `write-light` classes at work:
//! `GET /v1/projects` is read-light, `POST`, `PATCH` and `DELETE` are write-light (a small
//! synchronous change). Each organization sees only its own projects: another
//! organization's project is `404 NOT_FOUND`, never `403`, so its existence is not leaked.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::SystemTime,
};

use axum::{
    Extension, Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use layer_auth::{OrgId, Principal};
use layer_errors::{ApiError, FieldError, RequestId};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::app::AppState;
use crate::timestamp::rfc3339;

/// At most this many projects per organization, so a loop of POSTs cannot fill memory.
pub const MAX_PROJECTS: usize = 100;
/// The longest project name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Every organization's projects.
#[derive(Debug, Clone, Default)]
pub struct Projects {
    by_org: Arc<Mutex<HashMap<OrgId, Vec<Project>>>>,
}

/// One project.
#[derive(Debug, Clone)]
pub struct Project {
    id: Uuid,
    name: String,
    created_at: SystemTime,
}

impl Project {
    fn to_json(&self) -> serde_json::Value {
        json!({ "id": self.id, "name": self.name, "createdAt": rfc3339(self.created_at) })
    }
}

impl Projects {
    fn with_org<T>(&self, org: OrgId, work: impl FnOnce(&mut Vec<Project>) -> T) -> T {
        let mut by_org = self.by_org.lock().unwrap_or_else(PoisonError::into_inner);
        work(by_org.entry(org).or_default())
    }
}

/// The body of `POST /v1/projects` and `PATCH /v1/projects/{id}`.
#[derive(Debug, Deserialize)]
pub struct ProjectName {
    name: String,
}

/// `GET /v1/projects`: the caller's projects, oldest first.
pub async fn list(State(state): State<AppState>, principal: Principal) -> Response {
    let projects = state
        .projects
        .with_org(principal.organization_id(), |projects| {
            projects.iter().map(Project::to_json).collect::<Vec<_>>()
        });
    Json(json!({ "projects": projects })).into_response()
}

/// `POST /v1/projects` with `{"name": "..."}`: `201` with the new project.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    body: Result<Json<ProjectName>, JsonRejection>,
) -> Response {
    let name = match valid_name(body) {
        Ok(name) => name,
        Err(error) => return error.with_request_id(request_id).into_response(),
    };
    let created = state
        .projects
        .with_org(principal.organization_id(), |projects| {
            if projects.len() >= MAX_PROJECTS {
                return None;
            }
            let project = Project {
                id: Uuid::new_v4(),
                name,
                created_at: SystemTime::now(),
            };
            projects.push(project.clone());
            Some(project)
        });
    match created {
        Some(project) => (StatusCode::CREATED, Json(project.to_json())).into_response(),
        None => ApiError::conflict(format!(
            "an organization holds at most {MAX_PROJECTS} projects"
        ))
        .with_request_id(request_id)
        .into_response(),
    }
}

/// `PATCH /v1/projects/{id}` with `{"name": "..."}`: the renamed project.
pub async fn rename(
    State(state): State<AppState>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Result<Json<ProjectName>, JsonRejection>,
) -> Response {
    let name = match valid_name(body) {
        Ok(name) => name,
        Err(error) => return error.with_request_id(request_id).into_response(),
    };
    let renamed = state
        .projects
        .with_org(principal.organization_id(), |projects| {
            let project = projects.iter_mut().find(|p| Some(p.id) == parse_id(&id))?;
            project.name = name;
            Some(project.to_json())
        });
    match renamed {
        Some(project) => Json(project).into_response(),
        None => not_found(request_id),
    }
}

/// `DELETE /v1/projects/{id}`: `204`.
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
) -> Response {
    let removed = state
        .projects
        .with_org(principal.organization_id(), |projects| {
            let before = projects.len();
            projects.retain(|p| Some(p.id) != parse_id(&id));
            projects.len() != before
        });
    if removed {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(request_id)
    }
}

/// A malformed id cannot name a project: it is simply not found.
fn parse_id(id: &str) -> Option<Uuid> {
    Uuid::try_parse(id).ok()
}

fn not_found(request_id: RequestId) -> Response {
    ApiError::not_found()
        .with_request_id(request_id)
        .into_response()
}

/// The name from the body, or a `422 VALIDATION` naming the field. The rejection's own text
/// is not echoed: it can quote the body back.
fn valid_name(body: Result<Json<ProjectName>, JsonRejection>) -> Result<String, ApiError> {
    let Ok(Json(ProjectName { name })) = body else {
        return Err(ApiError::validation([FieldError::new(
            "body",
            "expected a JSON object {\"name\": \"...\"} with content-type application/json",
        )]));
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::validation([FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        )]));
    }
    Ok(name.to_owned())
}
