// src/casework/workflow.cc
#include "casework/workflow.h"

#include <algorithm>

namespace jisr::casework {
namespace {

struct Edge {
  std::string_view from, to;
};
// The forward path, the review loop and reopening; closing is allowed from every open state.
constexpr Edge kEdges[] = {
    {"open", "assessment"}, {"assessment", "plan"}, {"plan", "services"},
    {"services", "review"}, {"review", "services"}, {"closed", "open"},
};

}  // namespace

const std::vector<std::string>& statuses() {
  static const std::vector<std::string> v = {"open",     "assessment", "plan",
                                             "services", "review",     "closed"};
  return v;
}

bool is_status(std::string_view s) {
  const auto& all = statuses();
  return std::find(all.begin(), all.end(), s) != all.end();
}

bool is_legal_transition(std::string_view from, std::string_view to) {
  if (!is_status(from) || !is_status(to) || from == to) return false;
  if (to == "closed") return from != "closed";
  for (const auto& e : kEdges) {
    if (e.from == from && e.to == to) return true;
  }
  return false;
}

std::vector<std::string> next_statuses(std::string_view from) {
  std::vector<std::string> out;
  for (const auto& s : statuses()) {
    if (is_legal_transition(from, s)) out.push_back(s);
  }
  return out;
}

bool needs_closure_reason(std::string_view to) {
  return to == "closed";
}

}  // namespace jisr::casework
