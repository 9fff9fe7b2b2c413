// src/casework/vocabulary.cc
#include "casework/vocabulary.h"

#include <algorithm>
#include <map>

namespace jisr::casework {

const std::vector<std::string>& modules() {
  static const std::vector<std::string> v = {"child_protection", "women",           "disability",
                                             "elderly",          "street_homeless", "leaving_care"};
  return v;
}

const std::vector<std::string>& risk_levels() {
  static const std::vector<std::string> v = {"low", "medium", "high", "critical"};
  return v;
}

const std::vector<std::string>& closure_reasons() {
  static const std::vector<std::string> v = {"goals_achieved", "transferred",  "moved_away",
                                             "refused",        "not_eligible", "deceased",
                                             "other"};
  return v;
}

const std::vector<std::string>& service_statuses() {
  static const std::vector<std::string> v = {"planned", "delivered", "cancelled"};
  return v;
}

const std::vector<std::string>& admission_reasons() {
  static const std::vector<std::string> v = {"judicial_order", "own_request", "referral",
                                             "emergency"};
  return v;
}

const std::vector<std::string>& discharge_reasons() {
  static const std::vector<std::string> v = {
      "return_to_family", "kafala", "transfer", "autonomy_18", "runaway", "death", "other"};
  return v;
}

const std::vector<std::string>& assessment_domains(std::string_view module) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> by_module = {
      {"child_protection",
       {"safety", "health", "education", "family_ties", "basic_needs", "wellbeing"}},
      {"women", {"safety", "health", "housing", "income", "legal_situation", "social_support"}},
      {"disability",
       {"health", "autonomy", "accessibility", "education_employment", "family_support",
        "rights_documents"}},
      {"elderly", {"health", "autonomy", "housing", "income", "social_ties", "care_needs"}},
      {"street_homeless",
       {"shelter", "health", "safety", "substance_use", "family_ties", "identity_documents"}},
      {"leaving_care",
       {"identity_documents", "education_training", "employment_income", "housing", "health",
        "family_social_ties", "independent_living", "finances"}},
  };
  static const std::vector<std::string> none;
  auto it = by_module.find(module);
  return it == by_module.end() ? none : it->second;
}

bool one_of(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace jisr::casework
