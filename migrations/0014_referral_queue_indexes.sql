-- An organization's referral queues (/referrals), a page at a time. The outgoing queue is
-- newest first: (from_org_id, id) reads the page's 20 entries in order instead of every
-- referral the organization ever sent (1,346 rows read at random and sorted, 12 ms, for one
-- organization at 1,000,000 people). The incoming queue puts the pending ones first: with
-- the id in referrals_to_org the page is chosen from the index alone, and only its rows are
-- read. referrals_to_org keeps its prefix for the alert on unanswered referrals.
DROP INDEX referrals_from_org;
CREATE INDEX referrals_from_org ON referrals(from_org_id, id);
DROP INDEX referrals_to_org;
CREATE INDEX referrals_to_org ON referrals(to_org_id, status, created_at, id);
