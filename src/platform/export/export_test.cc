// src/platform/export/export_test.cc — CSV writing and XLSX workbooks.
#include <gtest/gtest.h>

#include "platform/export/csv_write.h"
#include "platform/export/xlsx.h"
#include "platform/util/csv.h"

namespace jisr {
namespace {

TEST(CsvWrite, QuotesWhatNeedsQuotingAndRoundTrips) {
  const std::vector<std::string> row = {"plain", "a;b", "say \"hi\"", "two\nlines", "دار", ""};
  const std::string line = csv::format_row(row, ';');
  EXPECT_EQ(line, "plain;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";دار;\r\n");
  auto table = csv::parse(std::string(csv::kUtf8Bom) + "h1;h2;h3;h4;h5;h6\r\n" + line);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], row);
}

TEST(CsvWrite, NeutralisesSpreadsheetFormulasButNotNegativeNumbers) {
  EXPECT_EQ(csv::format_row({"=HYPERLINK(1)", "+1", "@x", "-7.59", "-cmd"}, ','),
            "'=HYPERLINK(1),'+1,'@x,-7.59,'-cmd\r\n");
}

TEST(Xlsx, WritesAZipWorkbookInConstantMemoryMode) {
  xlsx::Writer w({"Établissements: [test]/2026 with a very long name", true});
  w.add_row({std::string("Nom"), std::string("Capacité")}, true);
  w.add_row({std::string("دار الأطفال"), std::int64_t{40}});
  w.add_row({std::monostate{}, 0.75});
  const std::string bytes = w.finish();
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  EXPECT_THROW(w.finish(), std::logic_error);
}

}  // namespace
}  // namespace jisr
