#include "platform/http/router.h"

#include <gtest/gtest.h>

namespace jisr::http {
namespace {

Handler named(std::string name) {
  return [name](Request&) { return Response::text(200, name); };
}

Response call(const Router& router, Method m, const std::string& path, Request* out = nullptr) {
  Request r;
  r.method = m;
  r.path = path;
  auto match = router.match(r);
  if (out) *out = r;
  if (!match.handler) return Response::text(match.path_known ? 405 : 404, "");
  return (*match.handler)(r);
}

TEST(RouterTest, LiteralBeatsCaptureWhateverTheOrder) {
  Router router;
  router.add(Method::kGet, "/api/v1/people/{id}", named("by-id"));
  router.add(Method::kGet, "/api/v1/people/search", named("search"));
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/people/search").body, "search");
  Request seen;
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/people/42", &seen).body, "by-id");
  EXPECT_EQ(seen.path_params.at("id"), "42");
  EXPECT_EQ(seen.route, "/api/v1/people/{id}");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllowedMethods) {
  Router router;
  router.add(Method::kGet, "/territories", named("list"));
  router.add(Method::kPost, "/territories", named("create"));
  EXPECT_EQ(call(router, Method::kGet, "/nope").status, 404);
  Request r;
  r.method = Method::kDelete;
  r.path = "/territories";
  auto m = router.match(r);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed.size(), 2u);
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.add(Method::kGet, "/healthz", named("health"));
  EXPECT_EQ(call(router, Method::kHead, "/healthz").body, "health");
}

TEST(RouterTest, RestCaptureTakesTheRemainingPath) {
  Router router;
  router.add(Method::kGet, "/assets/{path*}", named("asset"));
  Request seen;
  EXPECT_EQ(call(router, Method::kGet, "/assets/abc123/vendor/x.css", &seen).body, "asset");
  EXPECT_EQ(seen.path_params.at("path"), "abc123/vendor/x.css");
}

TEST(RouterTest, EmptySegmentDoesNotMatchACapture) {
  Router router;
  router.add(Method::kGet, "/api/v1/territories/{code}", named("one"));
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/territories/").status, 404);
}

TEST(RouterTest, DuplicateRouteIsRefusedAtRegistration) {
  Router router;
  router.add(Method::kGet, "/x/{id}", named("a"));
  EXPECT_THROW(router.add(Method::kGet, "/x/{id}", named("b")), std::invalid_argument);
  EXPECT_THROW(router.add(Method::kGet, "/x/{other}/y", named("c")), std::invalid_argument);
  EXPECT_THROW(router.add(Method::kGet, "no-slash", named("d")), std::invalid_argument);
}

}  // namespace
}  // namespace jisr::http
