// src/casework/workflow.h
//
// The case workflow: open → assessment → plan → services → review → closed, with
// review → services to loop, any open state → closed (with a closure reason) and
// closed → open (reopen). Pure functions, no database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jisr::casework {

// Every status, in workflow order.
const std::vector<std::string>& statuses();
bool is_status(std::string_view s);

// True when a case in `from` may move to `to`.
bool is_legal_transition(std::string_view from, std::string_view to);

// The statuses a case in `from` may move to, in workflow order (for the buttons of the page).
std::vector<std::string> next_statuses(std::string_view from);

// True when moving to `to` needs a closure reason (closing).
bool needs_closure_reason(std::string_view to);

}  // namespace jisr::casework
