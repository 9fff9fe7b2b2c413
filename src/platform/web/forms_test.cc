#include "platform/web/forms.h"

#include <gtest/gtest.h>

namespace jisr::web {
namespace {

http::Request multipart(std::string body, std::string boundary = "XyZ") {
  http::Request r;
  r.method = http::Method::kPost;
  r.headers = {{"content-type", "multipart/form-data; boundary=" + boundary}};
  r.body = std::move(body);
  return r;
}

TEST(FormTest, MultipartFieldsAndAFileWithCrlfInside) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken123\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"eps.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n\xEF\xBB\xBFkind;name_fr\r\neps;Dar Al Atfal\r\n\r\n"
      "--XyZ--\r\n";
  Form f(multipart(body));
  EXPECT_EQ(f.get("_csrf"), "token123");
  EXPECT_EQ(f.get("file"), "\xEF\xBB\xBFkind;name_fr\r\neps;Dar Al Atfal\r\n");
  EXPECT_FALSE(f.has("filename"));
}

TEST(FormTest, QuotedBoundaryAndUrlencodedStillWork) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a b\""), "a b");
  EXPECT_EQ(multipart_boundary("text/plain"), "");
  http::Request r;
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  r.body = "a=1&b=%D8%AC";
  EXPECT_EQ(Form(r).get("b"), "ج");
}

TEST(FormTest, MalformedMultipartGivesNoFields) {
  // Truncated: no closing delimiter after the content.
  Form f(multipart("--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken"));
  EXPECT_FALSE(f.has("_csrf"));
  Form g(multipart("--XyZ\r\nContent-Type: text/plain\r\n\r\nno name\r\n--XyZ--"));
  EXPECT_FALSE(g.has(""));
  Form h(multipart("garbage without delimiter"));
  EXPECT_FALSE(h.has("_csrf"));
}

}  // namespace
}  // namespace jisr::web
