// src/casework/vocabulary.h
//
// The closed lists of casework: modules, risk levels, assessment domains per module, closure
// reasons, service statuses, admission and discharge reasons. Codes are stored and exchanged
// in the API; pages show the catalog label `case.module.<code>` etc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jisr::casework {

const std::vector<std::string>& modules();
const std::vector<std::string>& risk_levels();
const std::vector<std::string>& closure_reasons();
const std::vector<std::string>& service_statuses();
const std::vector<std::string>& admission_reasons();
const std::vector<std::string>& discharge_reasons();

// The assessment domains of a module (empty for an unknown module).
const std::vector<std::string>& assessment_domains(std::string_view module);

// True when `value` is one of `list`.
bool one_of(const std::vector<std::string>& list, std::string_view value);

}  // namespace jisr::casework
