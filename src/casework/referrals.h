// src/casework/referrals.h
//
// Referrals (orientations) of a case's person from its owner organization to another, for a
// service or an admission. The person's consent is required. Status: pending → accepted or
// declined (with a reason) → accepted → completed. The receiving organization answers; the
// time to answer is kept (answered_at − created_at). Accepting grants the receiving
// organization access to the person.
//
// Visibility: the sending and the receiving organizations' users; and, for roles that are
// not field workers, referrals whose person is in their scope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "person/person.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct Referral {
  std::string id;
  std::string case_id;
  std::string person_id;
  std::string from_org_id, to_org_id;
  std::string kind = "service";  // service, admission
  std::optional<std::string> service_type;
  std::string reason;
  bool consent = true;
  std::string status = "pending";
  std::optional<std::string> decline_reason;
  std::string created_at;
  std::optional<std::string> created_by;
  std::optional<std::string> answered_at, completed_at;
  std::int64_t version = 1;

  // Hours from creation to the answer, one decimal; empty while pending.
  std::optional<double> response_hours() const;
};

struct ReferralRecord {
  Referral r;
  person::Person person;
};

// The API view; `lang` chooses the script of person_name.
nlohmann::json to_json(const ReferralRecord& rec, const std::string& lang);

struct NewReferral {
  std::string case_id;
  std::string to_org_id;
  std::string kind = "service";
  std::optional<std::string> service_type;
  std::string reason;
  std::optional<bool> consent;
};

struct ReferralFilter {
  std::optional<std::string> queue;  // "incoming" (to my org) or "outgoing" (from my org)
  std::optional<std::string> status;
  std::optional<std::string> case_id;
  std::optional<std::string> person_id;
};

// One page of a referral queue and the size of the whole queue.
struct ReferralPage {
  std::vector<ReferralRecord> referrals;
  std::int64_t total = 0;
};

class ReferralService {
 public:
  explicit ReferralService(db::Database& db) : db_(db) {}

  // Refers (referral.manage, case visible and writable). 422 when consent is not true, the
  // reason is empty, the receiving organization is unknown or the sender itself.
  ReferralRecord create(const access::Principal& by, const audit::Actor& actor,
                        const NewReferral& in);

  ReferralRecord get(const access::Principal& by, const std::string& id);
  std::vector<ReferralRecord> list(const access::Principal& by, const ReferralFilter& filter,
                                   const std::optional<std::string>& after_id, int limit);
  // A page of the caller's organization's queue (`queue` "incoming" or "outgoing"; empty
  // without an organization), within the caller's scope, and the queue's size. Incoming:
  // the pending ones first, oldest first (the ones waiting for an answer), then the others
  // newest first; outgoing: newest first. `offset` counts from 0.
  ReferralPage queue_page(const access::Principal& by, const std::string& queue,
                          std::int64_t offset, int limit);

  // The receiving organization's answer. Conflict "illegal_transition" when not pending;
  // decline needs a reason (Invalid); Forbidden for a visible referral the caller's
  // organization does not receive.
  ReferralRecord accept(const access::Principal& by, const audit::Actor& actor,
                        const std::string& id);
  ReferralRecord decline(const access::Principal& by, const audit::Actor& actor,
                         const std::string& id, const std::string& reason);
  // Accepted → completed, by the receiving or the sending organization.
  ReferralRecord complete(const access::Principal& by, const audit::Actor& actor,
                          const std::string& id);

 private:
  ReferralRecord answer(const access::Principal& by, const audit::Actor& actor,
                        const std::string& id, const std::string& to,
                        const std::optional<std::string>& reason);
  db::Database& db_;
};

// The SQL condition limiting `referrals r JOIN people p` to what `pr` may see.
std::string referral_scope_condition(const access::Principal& pr, std::vector<db::Value>& params);

// Columns "r.*, p.*" and their reader.
std::string referral_columns();
ReferralRecord referral_from_row(const std::vector<db::Value>& row);

}  // namespace jisr::casework
