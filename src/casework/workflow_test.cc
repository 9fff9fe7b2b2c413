// src/casework/workflow_test.cc — the case workflow table and the pure rules of casework.
#include <gtest/gtest.h>

#include <set>

#include "casework/alerts.h"
#include "casework/case_services.h"
#include "casework/input.h"
#include "casework/referrals.h"
#include "casework/vocabulary.h"
#include "casework/workflow.h"

namespace jisr::casework {
namespace {

TEST(WorkflowTest, TheWholeTable) {
  // Every (from, to) pair: exactly the legal edges of the workflow are allowed.
  const std::set<std::pair<std::string, std::string>> legal = {
      {"open", "assessment"}, {"assessment", "plan"},   {"plan", "services"},
      {"services", "review"}, {"review", "services"},   {"closed", "open"},
      {"open", "closed"},     {"assessment", "closed"}, {"plan", "closed"},
      {"services", "closed"}, {"review", "closed"},
  };
  int allowed = 0;
  for (const auto& from : statuses()) {
    for (const auto& to : statuses()) {
      const bool expected = legal.count({from, to}) > 0;
      EXPECT_EQ(is_legal_transition(from, to), expected) << from << " -> " << to;
      allowed += expected;
    }
  }
  EXPECT_EQ(allowed, 11);
}

TEST(WorkflowTest, UnknownStatesAndSelfLoopsAreIllegal) {
  EXPECT_FALSE(is_legal_transition("open", "open"));
  EXPECT_FALSE(is_legal_transition("closed", "closed"));
  EXPECT_FALSE(is_legal_transition("open", "paused"));
  EXPECT_FALSE(is_legal_transition("paused", "closed"));
  EXPECT_FALSE(is_status(""));
}

TEST(WorkflowTest, NextStatusesForTheButtons) {
  EXPECT_EQ(next_statuses("open"), (std::vector<std::string>{"assessment", "closed"}));
  EXPECT_EQ(next_statuses("review"), (std::vector<std::string>{"services", "closed"}));
  EXPECT_EQ(next_statuses("closed"), (std::vector<std::string>{"open"}));
  EXPECT_TRUE(needs_closure_reason("closed"));
  EXPECT_FALSE(needs_closure_reason("review"));
}

TEST(VocabularyTest, DomainsPerModule) {
  EXPECT_EQ(assessment_domains("child_protection"),
            (std::vector<std::string>{"safety", "health", "education", "family_ties", "basic_needs",
                                      "wellbeing"}));
  for (const auto& m : modules()) EXPECT_FALSE(assessment_domains(m).empty()) << m;
  EXPECT_TRUE(assessment_domains("astronomy").empty());
  EXPECT_TRUE(one_of(discharge_reasons(), "autonomy_18"));
  EXPECT_FALSE(one_of(admission_reasons(), "autonomy_18"));
}

TEST(DatesTest, AddToDateClampsTheDay) {
  EXPECT_EQ(add_to_date("2024-02-29", 1, 0, 0), "2025-02-28");
  EXPECT_EQ(add_to_date("2026-01-31", 0, 1, 0), "2026-02-28");
  EXPECT_EQ(add_to_date("2026-12-15", 0, 1, 0), "2027-01-15");
  EXPECT_EQ(add_to_date("2026-03-01", 0, 0, -1), "2026-02-28");
  EXPECT_EQ(add_to_date("2026-11-29", -18, 0, 0), "2008-11-29");
}

TEST(DatesTest, EighteenthBirthday) {
  EXPECT_EQ(eighteenth_birthday("2008-06-15"), "2026-06-15");
  EXPECT_EQ(eighteenth_birthday("2008"), "2026-01-01");
  EXPECT_EQ(eighteenth_birthday("2008-02-29"), "2026-02-28");
  EXPECT_EQ(eighteenth_birthday("garbage"), "");
  EXPECT_EQ(eighteenth_birthday(""), "");
}

TEST(ReferralTest, ResponseHours) {
  Referral r;
  r.created_at = "2026-11-01T08:00:00.000Z";
  EXPECT_FALSE(r.response_hours());
  r.answered_at = "2026-11-02T14:30:00.000Z";
  ASSERT_TRUE(r.response_hours());
  EXPECT_DOUBLE_EQ(*r.response_hours(), 30.5);
}

TEST(InputTest, ParseIntAndTrim) {
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_FALSE(parse_int("4x"));
  EXPECT_FALSE(parse_int(""));
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_FALSE(non_blank(std::optional<std::string>("   ")));
}

TEST(ServiceStatusTest, TheWholeTable) {
  // Every (from, to) pair of service statuses: planned → delivered / cancelled, delivered →
  // cancelled, and staying put; nothing leaves cancelled, nothing returns to planned.
  const std::set<std::pair<std::string, std::string>> legal = {
      {"planned", "planned"},     {"planned", "delivered"},   {"planned", "cancelled"},
      {"delivered", "delivered"}, {"delivered", "cancelled"}, {"cancelled", "cancelled"}};
  for (const auto& from : service_statuses()) {
    for (const auto& to : service_statuses()) {
      EXPECT_EQ(service_move_allowed(from, to), legal.count({from, to}) == 1)
          << from << " → " << to;
    }
  }
  EXPECT_EQ(service_statuses().size(), 3u);
}

}  // namespace
}  // namespace jisr::casework
