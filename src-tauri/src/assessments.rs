//! Commands of the assessment use cases (issue 3): one per api method, 1-3 lines each.

use devicerisk_api::core::questionnaire::AssessmentId;
use devicerisk_api::{
    AssessmentHistory, AssessmentOverview, AssessmentSummary, AttachEvidence, EvidenceFile,
    FinalizeRequest, NewAssessment, PageRequest, QuestionnairePage, SaveAnswerRequest,
};
use tauri::State;

use crate::{AppState, CmdResult};

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_assessments(
    state: State<'_, AppState>,
) -> CmdResult<Vec<AssessmentSummary>> {
    state.with(|api| api.list_assessments())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn create_assessment(
    state: State<'_, AppState>,
    request: NewAssessment,
) -> CmdResult<AssessmentSummary> {
    state.with(|api| api.create_assessment(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn questionnaire_page(
    state: State<'_, AppState>,
    request: PageRequest,
) -> CmdResult<QuestionnairePage> {
    state.with(|api| api.questionnaire_page(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn save_answer(
    state: State<'_, AppState>,
    request: SaveAnswerRequest,
) -> CmdResult<QuestionnairePage> {
    state.with(|api| api.save_answer(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn assessment_overview(
    state: State<'_, AppState>,
    id: AssessmentId,
) -> CmdResult<AssessmentOverview> {
    state.with(|api| api.assessment_overview(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn attach_evidence(
    state: State<'_, AppState>,
    request: AttachEvidence,
) -> CmdResult<EvidenceFile> {
    state.with(|api| api.attach_evidence(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_evidence(
    state: State<'_, AppState>,
    id: AssessmentId,
) -> CmdResult<Vec<EvidenceFile>> {
    state.with(|api| api.list_evidence(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn finalize_assessment(
    state: State<'_, AppState>,
    request: FinalizeRequest,
) -> CmdResult<AssessmentSummary> {
    state.with(|api| api.finalize_assessment(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn revise_assessment(
    state: State<'_, AppState>,
    id: AssessmentId,
) -> CmdResult<AssessmentSummary> {
    state.with(|api| api.revise_assessment(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn assessment_history(
    state: State<'_, AppState>,
    id: AssessmentId,
) -> CmdResult<AssessmentHistory> {
    state.with(|api| api.assessment_history(id))
}
