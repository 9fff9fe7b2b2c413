// src/casework/person_view.h
//
// What a person's file shows of casework: the person's cases, admissions and referrals that
// the caller may see, as small summaries. The person module's page calls these (casework
// never renders inside the person page); each returns an empty list to a caller without
// case.read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct CaseSummary {
  std::string id, module, status, risk_level, owner_org_id, opened_on;
  std::string href;  // "/cases/{id}"
};

struct AdmissionSummary {
  std::string id, institution_id, institution_name, admitted_on, reason;
  std::optional<std::string> discharged_on, discharge_reason;
  bool current = true;
  std::string discharge_href;  // "/admissions/{id}/discharge" while current, else empty
};

struct ReferralSummary {
  std::string id, case_id, from_org_id, to_org_id, to_org_name, status, created_at;
  std::string from_org_name, reason;
  bool case_visible = false;  // the caller may open the referral's case (case_scope_condition)
};

struct ServiceSummary {
  std::string id, case_id, type, type_name, provider_org_id, provider_name, date, status;
  std::int64_t quantity = 1;
  std::string case_href;  // "/cases/{case_id}#services"
};

// Newest first, at most 100 of each.
std::vector<CaseSummary> cases_of_person(db::Connection& conn, const access::Principal& by,
                                         const std::string& person_id);
// `lang` chooses the script of institution names.
std::vector<AdmissionSummary> admissions_of_person(db::Connection& conn,
                                                   const access::Principal& by,
                                                   const std::string& person_id,
                                                   const std::string& lang = "fr");
std::vector<ReferralSummary> referrals_of_person(db::Connection& conn, const access::Principal& by,
                                                 const std::string& person_id,
                                                 const std::string& lang = "fr");

// The services of the person across the cases the caller may see (case_scope_condition),
// newest date first, at most `limit` of them; `after` is the key of the last one of the
// previous page (service_key). `lang` chooses the type's and the provider's names. Empty for
// a caller without case.read. Throws BadRequest on a malformed `after`.
std::vector<ServiceSummary> services_of_person(db::Connection& conn, const access::Principal& by,
                                               const std::string& person_id,
                                               const std::string& lang,
                                               const std::optional<std::string>& after, int limit);
// The paging key of a service in that order ("date|id").
std::string service_key(const ServiceSummary& s);

nlohmann::json to_json(const CaseSummary& s);
nlohmann::json to_json(const ServiceSummary& s);
nlohmann::json to_json(const AdmissionSummary& s);
nlohmann::json to_json(const ReferralSummary& s);

}  // namespace jisr::casework
