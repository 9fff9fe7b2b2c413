// src/casework/casework_openapi.cc — the casework API in the OpenAPI document.
#include <nlohmann/json.hpp>

#include "casework/casework_http.h"
#include "casework/vocabulary.h"
#include "casework/workflow.h"

namespace jisr::casework {
namespace {

using json = nlohmann::json;

json ref(const std::string& name) {
  return {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + name}}}}}};
}

json err(const std::string& text) {
  return {
      {"description", text},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json path_param(const char* name) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

json query_param(const char* name, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

json str() {
  return {{"type", "string"}};
}
json nstr() {
  return {{"type", "string"}, {"nullable", true}};
}
json enum_of(const std::vector<std::string>& values) {
  return {{"type", "string"}, {"enum", values}};
}

json op(const std::string& summary, const std::string& id, json parameters, json responses,
        bool has_body = false, const std::string& body_schema = "") {
  json o = {{"summary", summary}, {"operationId", id}, {"responses", std::move(responses)}};
  if (!parameters.empty()) o["parameters"] = std::move(parameters);
  if (has_body) {
    o["requestBody"] = {{"required", true},
                        {"content", body_schema.empty() ? json{{"application/json",
                                                                {{"schema", {{"type", "object"}}}}}}
                                                        : ref(body_schema)}};
  }
  return o;
}

json list_params(std::initializer_list<json> extra) {
  json p = json::array();
  for (const auto& e : extra) p.push_back(e);
  p.push_back({{"$ref", "#/components/parameters/limit"}});
  p.push_back({{"$ref", "#/components/parameters/cursor"}});
  return p;
}

json list_of(const std::string& schema) {
  return {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + schema}}}}},
            {"next_cursor", nstr()}}}};
}

void schemas_into(json& schemas) {
  schemas["Case"] = {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"person_id", str()},
        {"person_name", str()},
        {"module", enum_of(modules())},
        {"status", enum_of(statuses())},
        {"owner_org", str()},
        {"owner_user_id", nstr()},
        {"assigned_user_id", nstr()},
        {"risk_level", enum_of(risk_levels())},
        {"summary", nstr()},
        {"closure_reason", {{"type", "string"}, {"nullable", true}, {"enum", closure_reasons()}}},
        {"review_due_on", {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
        {"opened_on", {{"type", "string"}, {"format", "date"}}},
        {"next_statuses", {{"type", "array"}, {"items", str()}}},
        {"version", {{"type", "integer"}}}}}};
  schemas["CaseList"] = list_of("Case");
  schemas["CaseService"] = {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"case_id", str()},
        {"type", {{"type", "string"}, {"description", "Code of the service-type catalog"}}},
        {"provider_org", str()},
        {"date", {{"type", "string"}, {"format", "date"}}},
        {"quantity", {{"type", "integer"}, {"minimum", 1}}},
        {"status", enum_of(service_statuses())},
        {"comment", nstr()},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"version", {{"type", "integer"}}}}}};
  schemas["CaseServicePatch"] = {{"type", "object"},
                                 {"required", {"version"}},
                                 {"properties",
                                  {{"version", {{"type", "integer"}}},
                                   {"status", enum_of(service_statuses())},
                                   {"date", {{"type", "string"}, {"format", "date"}}},
                                   {"quantity", {{"type", "integer"}, {"minimum", 1}}},
                                   {"comment", nstr()}}}};
  schemas["ServiceType"] = {
      {"type", "object"},
      {"properties",
       {{"code", str()}, {"name_fr", str()}, {"name_ar", str()}, {"name_en", str()}}}};
  schemas["ServiceTypeList"] = list_of("ServiceType");
  schemas["PersonService"] = {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"case_id", str()},
        {"type", str()},
        {"type_name", {{"type", "string"}, {"description", "In the language of the request"}}},
        {"provider_org", str()},
        {"provider_name", str()},
        {"date", {{"type", "string"}, {"format", "date"}}},
        {"quantity", {{"type", "integer"}}},
        {"status", enum_of(service_statuses())},
        {"href", str()}}}};
  schemas["PersonServiceList"] = list_of("PersonService");
  schemas["CaseNote"] = {{"type", "object"},
                         {"properties",
                          {{"id", str()},
                           {"case_id", str()},
                           {"body", str()},
                           {"confidential", {{"type", "boolean"}}},
                           {"author_user_id", nstr()},
                           {"author_name", nstr()},
                           {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  schemas["Assessment"] = {
      {"type", "object"},
      {"properties",
       {{"case_id", str()},
        {"module", enum_of(modules())},
        {"domains",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"domain", str()},
              {"score", {{"type", "integer"}, {"minimum", 0}, {"maximum", 4}, {"nullable", true}}},
              {"comment", nstr()}}}}}}},
        {"assessed_at", nstr()}}}};
  schemas["Plan"] = {{"type", "object"},
                     {"properties",
                      {{"case_id", str()},
                       {"goals", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                       {"actions", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  schemas["Referral"] = {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"case_id", str()},
        {"person_id", str()},
        {"person_name", str()},
        {"from_org", str()},
        {"to_org", str()},
        {"kind", enum_of({"service", "admission"})},
        {"service_type", nstr()},
        {"reason", str()},
        {"consent", {{"type", "boolean"}}},
        {"status", enum_of({"pending", "accepted", "declined", "completed"})},
        {"decline_reason", nstr()},
        {"created_at", str()},
        {"answered_at", nstr()},
        {"response_hours",
         {{"type", "number"}, {"nullable", true}, {"description", "answered_at − created_at"}}},
        {"version", {{"type", "integer"}}}}}};
  schemas["ReferralList"] = list_of("Referral");
  schemas["Admission"] = {
      {"type", "object"},
      {"properties",
       {{"id", str()},
        {"person_id", str()},
        {"person_name", str()},
        {"institution_id", str()},
        {"admitted_on", {{"type", "string"}, {"format", "date"}}},
        {"reason", enum_of(admission_reasons())},
        {"over_capacity", {{"type", "boolean"}}},
        {"over_capacity_reason", nstr()},
        {"discharged_on", {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
        {"discharge_reason",
         {{"type", "string"}, {"nullable", true}, {"enum", discharge_reasons()}}},
        {"destination", nstr()},
        {"current", {{"type", "boolean"}}},
        {"version", {{"type", "integer"}}}}}};
  schemas["AdmissionList"] = list_of("Admission");
  schemas["Alert"] = {
      {"type", "object"},
      {"properties",
       {{"kind", enum_of({"overdue_action", "referral_unanswered", "review_due", "turning_18"})},
        {"person_id", str()},
        {"person_name", str()},
        {"case_id", nstr()},
        {"referral_id", nstr()},
        {"admission_id", nstr()},
        {"date", {{"type", "string"}, {"format", "date"}}},
        {"title", nstr()},
        {"href", str()}}}};
}

}  // namespace

void describe_api(json& paths, json& schemas) {
  schemas_into(schemas);
  const json id = path_param("id");
  const json nf = err("Not found or not visible to the caller");
  const json forbidden = err("The role may not do this");
  const json invalid = err("Invalid fields (error.fields says which)");

  paths["/api/v1/cases"]["post"] =
      op("Open a case for a visible person (owner: the caller and their organization)",
         "createCase", json::array(),
         {{"201", {{"description", "Opened"}, {"content", ref("Case")}}},
          {"403", forbidden},
          {"422", invalid}},
         true);
  paths["/api/v1/cases"]["get"] =
      op("Cases visible to the caller (person in scope; field workers: their organization's)",
         "listCases",
         list_params({query_param("person", "Person id"),
                      query_param("status", "A status, or `active` for all but closed"),
                      query_param("module", "Module code"),
                      query_param("mine", "true: owned by or assigned to the caller")}),
         {{"200", {{"description", "A page of cases"}, {"content", ref("CaseList")}}},
          {"403", forbidden}});
  paths["/api/v1/cases/{id}"]["get"] =
      op("One case (the read is written to the access log)", "getCase", {id},
         {{"200", {{"description", "The case"}, {"content", ref("Case")}}}, {"404", nf}});
  paths["/api/v1/cases/{id}"]["patch"] =
      op("Edit risk level, assignment, summary or review date; `version` must be current",
         "updateCase", {id},
         {{"200", {{"description", "Updated"}, {"content", ref("Case")}}},
          {"404", nf},
          {"409", err("Stale version")},
          {"422", invalid}},
         true);
  paths["/api/v1/cases/{id}/transition"]["post"] =
      op("Move the case along the workflow {to, closure_reason?, version?}: open → assessment → "
         "plan → services → review → closed; review → services; any → closed (closure_reason "
         "required); closed → open",
         "transitionCase", {id},
         {{"200", {{"description", "Moved"}, {"content", ref("Case")}}},
          {"404", nf},
          {"409", err("illegal_transition or stale_version")},
          {"422", invalid}},
         true);
  paths["/api/v1/cases/{id}/services"]["post"] = op(
      "Record a service {type, provider_org?, date, quantity?, status?}", "createCaseService", {id},
      {{"201", {{"description", "Recorded"}, {"content", ref("CaseService")}}},
       {"404", nf},
       {"422", invalid}},
      true);
  paths["/api/v1/cases/{id}/services"]["get"] =
      op("Services of a case", "listCaseServices", {id},
         {{"200", {{"description", "Services, newest first"}}}, {"404", nf}});
  paths["/api/v1/cases/{id}/services/{service_id}"]["patch"] =
      op("Edit a recorded service {version, status?, date?, quantity?, comment?}: planned → "
         "delivered or cancelled, delivered → cancelled; a delivered service's date is not in "
         "the future",
         "updateCaseService", {id, path_param("service_id")},
         {{"200", {{"description", "Updated"}, {"content", ref("CaseService")}}},
          {"404", nf},
          {"409", err("stale_version or illegal_transition")},
          {"422", invalid}},
         true, "CaseServicePatch");
  paths["/api/v1/service-types"]["get"] = op(
      "The catalog of active service types (any signed-in user)", "listServiceTypes", json::array(),
      {{"200", {{"description", "Service types"}, {"content", ref("ServiceTypeList")}}},
       {"401", err("Not signed in")}});
  paths["/api/v1/people/{id}/services"]["get"] =
      op("Services of a person across the cases the caller may see, newest first (the read is "
         "written to the access log)",
         "listPersonServices", list_params({id}),
         {{"200", {{"description", "A page of services"}, {"content", ref("PersonServiceList")}}},
          {"403", forbidden},
          {"404", nf}});
  paths["/api/v1/cases/{id}/notes"]["post"] =
      op("Add a note {body, confidential?}; confidential notes only by those who may read them",
         "createCaseNote", {id},
         {{"201", {{"description", "Added"}, {"content", ref("CaseNote")}}},
          {"403", forbidden},
          {"404", nf},
          {"422", invalid}},
         true);
  paths["/api/v1/cases/{id}/notes"]["get"] =
      op("Notes of a case; confidential ones only for the owning organization and supervisors",
         "listCaseNotes", {id}, {{"200", {{"description", "Notes, newest first"}}}, {"404", nf}});
  paths["/api/v1/cases/{id}/assessment"]["put"] = op(
      "Save assessment scores {domains: [{domain, score 0-4, comment?}]}", "saveAssessment", {id},
      {{"200", {{"description", "Saved"}, {"content", ref("Assessment")}}},
       {"404", nf},
       {"422", invalid}},
      true);
  paths["/api/v1/cases/{id}/assessment"]["get"] = op(
      "The assessment: every domain of the case's module", "getAssessment", {id},
      {{"200", {{"description", "The assessment"}, {"content", ref("Assessment")}}}, {"404", nf}});
  paths["/api/v1/cases/{id}/plan"]["post"] =
      op("Add to the plan: {kind: goal, title} or {kind: action, title, goal_id?, "
         "responsible_user_id? | responsible?, due_on?}",
         "addPlanItem", {id}, {{"201", {{"description", "Added"}}}, {"404", nf}, {"422", invalid}},
         true);
  paths["/api/v1/cases/{id}/plan"]["get"] =
      op("The plan: goals and actions", "getPlan", {id},
         {{"200", {{"description", "The plan"}, {"content", ref("Plan")}}}, {"404", nf}});
  paths["/api/v1/cases/{id}/plan/actions/{action_id}/done"]["post"] =
      op("Mark a plan action done {done_on? (default today), null to undo}", "markActionDone",
         {id, path_param("action_id")},
         {{"200", {{"description", "Updated"}}}, {"404", nf}, {"422", invalid}}, true);
  paths["/api/v1/referrals"]["post"] =
      op("Refer a case's person to another organization {case_id, to_org, reason, consent: true, "
         "kind?, service_type?}",
         "createReferral", json::array(),
         {{"201", {{"description", "Referred"}, {"content", ref("Referral")}}},
          {"403", forbidden},
          {"422", err("Invalid fields; consent must be true")}},
         true);
  paths["/api/v1/referrals"]["get"] =
      op("Referrals visible to the caller", "listReferrals",
         list_params({query_param("queue", "incoming (to my organization) or outgoing"),
                      query_param("status", "pending, accepted, declined, completed"),
                      query_param("case", "Case id"), query_param("person", "Person id")}),
         {{"200", {{"description", "A page of referrals"}, {"content", ref("ReferralList")}}}});
  paths["/api/v1/referrals/{id}"]["get"] =
      op("One referral", "getReferral", {id},
         {{"200", {{"description", "The referral"}, {"content", ref("Referral")}}}, {"404", nf}});
  for (const char* action : {"accept", "decline", "complete"}) {
    const std::string a(action);
    paths["/api/v1/referrals/{id}/" + a]["post"] =
        op(a == "accept"    ? "Accept (receiving organization); grants it access to the person"
           : a == "decline" ? "Decline with {reason} (receiving organization)"
                            : "Mark an accepted referral completed",
           a + "Referral", {id},
           {{"200", {{"description", "Done"}, {"content", ref("Referral")}}},
            {"403", forbidden},
            {"404", nf},
            {"409", err("illegal_transition")},
            {"422", invalid}},
           a == "decline");
  }
  paths["/api/v1/admissions"]["post"] =
      op("Admit a person to an institution {person_id, institution_id, admitted_on, reason, "
         "over_capacity_reason?}",
         "createAdmission", json::array(),
         {{"201", {{"description", "Admitted"}, {"content", ref("Admission")}}},
          {"403", forbidden},
          {"409", err("already_admitted")},
          {"422", invalid}},
         true);
  paths["/api/v1/admissions"]["get"] = op(
      "Admissions of people visible to the caller", "listAdmissions",
      list_params({query_param("institution", "Institution id"), query_param("person", "Person id"),
                   query_param("current", "true: residents now; false: discharged")}),
      {{"200", {{"description", "A page of admissions"}, {"content", ref("AdmissionList")}}}});
  paths["/api/v1/admissions/{id}"]["get"] =
      op("One admission", "getAdmission", {id},
         {{"200", {{"description", "The admission"}, {"content", ref("Admission")}}}, {"404", nf}});
  paths["/api/v1/admissions/{id}/discharge"]["post"] =
      op("Discharge {discharged_on, reason, destination?}", "dischargeAdmission", {id},
         {{"200", {{"description", "Discharged"}, {"content", ref("Admission")}}},
          {"404", nf},
          {"409", err("already_discharged")},
          {"422", invalid}},
         true);
  paths["/api/v1/alerts"]["get"] =
      op("The caller's alerts: overdue actions, referrals unanswered after 7 days, reviews due, "
         "children in care turning 18 within 12 months",
         "listAlerts", list_params({query_param("mine", "true: only the caller's caseload")}),
         {{"200", {{"description", "Alerts"}}}, {"403", forbidden}});
}

}  // namespace jisr::casework
