#include "platform/util/csv.h"

#include <gtest/gtest.h>

namespace jisr::csv {
namespace {

TEST(CsvTest, QuotedFieldsWithSeparatorsNewlinesAndQuotes) {
  auto t = parse("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"multi\nline\",z\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "x, y");
  EXPECT_EQ(t.rows[0][2], "he said \"hi\"");
  EXPECT_EQ(t.rows[1][1], "multi\nline");
  EXPECT_EQ(t.row_lines[0], 2u);
  EXPECT_EQ(t.row_lines[1], 3u);
}

TEST(CsvTest, FrenchExcelSemicolonsBomAndCrlf) {
  auto t = parse("\xEF\xBB\xBFnom;ville\r\nAssociation A, B;Fès\r\n\r\n");
  EXPECT_EQ(t.separator, ';');
  ASSERT_EQ(t.header.size(), 2u);
  EXPECT_EQ(t.header[0], "nom");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][0], "Association A, B");
  EXPECT_EQ(t.rows[0][1], "Fès");
}

TEST(CsvTest, EmptyTrailingFieldIsKept) {
  auto t = parse("a,b\n1,\n");
  ASSERT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(t.rows[0].size(), 2u);
  EXPECT_EQ(t.rows[0][1], "");
}

TEST(CsvTest, UnclosedQuoteIsAnErrorWithItsLine) {
  try {
    parse("a\n\"open\n");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 2u);
  }
}

TEST(CsvTest, Latin1IsRefusedAsNotUtf8) {
  EXPECT_THROW(parse("nom\nF\xE8s\n"), ParseError);  // "Fès" in Latin-1
}

TEST(CsvTest, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("محمد العلوي"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));      // truncated
}

}  // namespace
}  // namespace jisr::csv
