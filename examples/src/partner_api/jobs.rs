//! Demo resource: jobs, the `long-running` class and its concurrent-job slots.
//!
//! `POST /v1/jobs` starts a job that "runs" for a while (`--job-ms`) and answers `202` at
//! once. Each running job holds one of its organization's concurrent-job slots (SPEC 3.2:
//! 5 for `standard`); the POST that would exceed them is a `429 RATE_LIMITED`. The slot is a
//! RAII permit moved into the job's task, so it is given back however the job ends.
//! `GET /v1/jobs/{id}` polls a job (read-light).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use axum::{
    Extension, Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use layer_auth::{OrgId, Principal};
use layer_errors::{ApiError, RequestId};
use layer_ratelimit::{EndpointClass, JobSlots};
use serde_json::json;
use uuid::Uuid;

use super::app::AppState;
use crate::timestamp::rfc3339;

/// Finished jobs are forgotten once this many jobs are remembered.
const REMEMBERED: usize = 10_000;

/// Running and recently finished jobs, and the slots they hold.
#[derive(Debug, Clone)]
pub struct Jobs {
    slots: JobSlots<OrgId>,
    runs: Arc<Mutex<HashMap<Uuid, Run>>>,
    hold: Duration,
}

#[derive(Debug, Clone)]
struct Run {
    organization_id: OrgId,
    started_at: SystemTime,
    done: bool,
}

impl Jobs {
    /// No job running; each job will hold its slot for `hold`.
    #[must_use]
    pub fn new(hold: Duration) -> Self {
        Self {
            slots: JobSlots::with_retry_hint(hold.max(Duration::from_secs(1))),
            runs: Arc::default(),
            hold,
        }
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Run>> {
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `POST /v1/jobs`: `202` with the job id, or `429` when the organization's slots are full.
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
) -> Response {
    let organization_id = principal.organization_id();
    let slots = state
        .auth
        .tiers()
        .load()
        .limits(principal.tier())
        .concurrent_jobs();
    let permit = match state.jobs.slots.try_acquire(organization_id, slots) {
        Ok(permit) => permit,
        Err(full) => {
            tracing::info!(%organization_id, api_key_id = %principal.key_record_id(),
                slots = full.limit(), "job refused: concurrent-job slots full");
            let retry_after_ms = u64::try_from(full.retry_after().as_millis()).unwrap_or(u64::MAX);
            return ApiError::rate_limited(EndpointClass::LongRunning.as_str(), retry_after_ms)
                .with_request_id(request_id)
                .into_response();
        }
    };

    let id = Uuid::new_v4();
    let started_at = SystemTime::now();
    {
        let mut runs = state.jobs.runs();
        if runs.len() >= REMEMBERED {
            runs.retain(|_, run| !run.done);
        }
        runs.insert(
            id,
            Run {
                organization_id,
                started_at,
                done: false,
            },
        );
    }
    let jobs = state.jobs.clone();
    tokio::spawn(async move {
        // The "work". The permit lives as long as this task: dropping it frees the slot.
        let _permit = permit;
        tokio::time::sleep(jobs.hold).await;
        if let Some(run) = jobs.runs().get_mut(&id) {
            run.done = true;
        }
    });
    tracing::info!(%organization_id, api_key_id = %principal.key_record_id(), job_id = %id,
        "job started");
    let body = json!({
        "jobId": id,
        "status": "running",
        "startedAt": rfc3339(started_at),
        "holdsSlotForMs": u64::try_from(state.jobs.hold.as_millis()).unwrap_or(u64::MAX),
    });
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

/// `GET /v1/jobs/{id}`: the job's status; another organization's job is `404`.
pub async fn status(
    State(state): State<AppState>,
    principal: Principal,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
) -> Response {
    let run = Uuid::try_parse(&id)
        .ok()
        .and_then(|id| state.jobs.runs().get(&id).cloned())
        .filter(|run| run.organization_id == principal.organization_id());
    match run {
        Some(run) => Json(json!({
            "jobId": id,
            "status": if run.done { "done" } else { "running" },
            "startedAt": rfc3339(run.started_at),
        }))
        .into_response(),
        None => ApiError::not_found()
            .with_request_id(request_id)
            .into_response(),
    }
}
