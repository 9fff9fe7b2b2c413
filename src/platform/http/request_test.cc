#include "platform/http/request.h"

#include <gtest/gtest.h>

#include "platform/http/response.h"

namespace jisr::http {
namespace {

TEST(RequestTest, QueryParametersAreDecoded) {
  Request r;
  r.query_string = "q=Mohamed+El%20Alaoui&lang=ar&empty=&flag";
  EXPECT_EQ(r.query("q"), "Mohamed El Alaoui");
  EXPECT_EQ(r.query("lang"), "ar");
  EXPECT_EQ(r.query("empty"), "");
  EXPECT_EQ(r.query("flag"), "");
  EXPECT_EQ(r.query("missing"), std::nullopt);
}

TEST(RequestTest, ArabicInQueryIsDecodedAsUtf8) {
  Request r;
  r.query_string = "q=%D9%85%D8%AD%D9%85%D8%AF";
  EXPECT_EQ(r.query("q"), "محمد");
}

TEST(RequestTest, CookiesAndHeadersAreCaseInsensitiveOnNames) {
  Request r;
  r.headers = {{"cookie", "a=1; jisr_lang=ar ; b=\"quoted\""}, {"accept-language", "fr"}};
  EXPECT_EQ(r.cookie("jisr_lang"), "ar");
  EXPECT_EQ(r.cookie("b"), "quoted");
  EXPECT_EQ(r.cookie("c"), std::nullopt);
  EXPECT_EQ(r.header("Accept-Language"), "fr");
}

TEST(RequestTest, PercentDecodeKeepsInvalidEscapes) {
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
}

TEST(RequestTest, PercentEncodeRoundTrips) {
  const std::string s = "/territories?x=1&y=العربية";
  EXPECT_EQ(percent_decode(percent_encode(s), false), s);
  EXPECT_EQ(percent_encode("a b/c"), "a%20b%2Fc");
}

TEST(RequestTest, UrlencodedFormIsParsed) {
  auto fields = parse_urlencoded("name=Fatima+Zahra&city=F%C3%A8s&&x");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].second, "Fatima Zahra");
  EXPECT_EQ(fields[1].second, "Fès");
  EXPECT_EQ(fields[2].first, "x");
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response r;
  r.set_header("Content-Type", "a");
  r.set_header("content-type", "b");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(*r.header("CONTENT-TYPE"), "b");
}

TEST(ResponseTest, CookieFormatting) {
  CookieOptions o;
  o.max_age_seconds = 60;
  o.secure = true;
  EXPECT_EQ(format_set_cookie("s", "v", o),
            "s=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax");
}

}  // namespace
}  // namespace jisr::http
