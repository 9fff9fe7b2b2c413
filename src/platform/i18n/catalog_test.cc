#include "platform/i18n/catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace jisr::i18n {
namespace {

TEST(NegotiateTest, OrderIsQueryThenCookieThenAcceptLanguageThenFrench) {
  EXPECT_EQ(negotiate("en", "ar", "fr"), "en");
  EXPECT_EQ(negotiate(std::nullopt, "ar", "en"), "ar");
  EXPECT_EQ(negotiate(std::nullopt, std::nullopt, "ar-MA,ar;q=0.9,fr;q=0.8"), "ar");
  EXPECT_EQ(negotiate(std::nullopt, std::nullopt, std::nullopt), "fr");
}

TEST(NegotiateTest, UnsupportedValuesAreIgnored) {
  EXPECT_EQ(negotiate("xx<script>", "de", "es,de;q=0.5"), "fr");
  EXPECT_EQ(negotiate(std::nullopt, std::nullopt, "de-DE,en;q=0.7,ar;q=0.3"), "en");
  EXPECT_EQ(negotiate(std::nullopt, std::nullopt, "fr;q=0.2,ar;q=0.9"), "ar");
}

TEST(CatalogsTest, FallsBackToFrenchThenToTheKey) {
  auto c = Catalogs::from_maps({{"fr", {{"a", "A fr"}, {"b", "B fr"}}}, {"ar", {{"a", "A ar"}}}});
  EXPECT_EQ(c.get("ar", "a"), "A ar");
  EXPECT_EQ(c.get("ar", "b"), "B fr");
  EXPECT_EQ(c.get("en", "missing.key"), "missing.key");
}

TEST(CatalogsTest, FormatFillsPlaceholders) {
  auto c = Catalogs::from_maps({{"fr", {{"n", "{{n}} régions, {{n}} fois"}}}});
  EXPECT_EQ(c.format("fr", "n", {{"n", "12"}}), "12 régions, 12 fois");
}

// The shipped catalogs: every language has exactly the keys of French, and no empty text.
TEST(CatalogsTest, ShippedCatalogsHaveTheSameKeysInEveryLanguage) {
  const char* root = std::getenv("JISR_SOURCE_DIR");
  const std::string dir = std::string(root ? root : JISR_SOURCE_DIR) + "/web/locales";
  auto c = Catalogs::load(dir);
  const auto fr = c.keys("fr");
  ASSERT_GT(fr.size(), 20u);
  for (const auto& lang : languages()) {
    EXPECT_EQ(c.keys(lang), fr) << "catalog " << lang << " differs from fr";
    for (const auto& k : c.keys(lang)) EXPECT_FALSE(c.get(lang, k).empty()) << lang << ":" << k;
  }
}

TEST(CatalogsTest, ArabicCatalogIsInArabicScript) {
  const char* root = std::getenv("JISR_SOURCE_DIR");
  auto c = Catalogs::load(std::string(root ? root : JISR_SOURCE_DIR) + "/web/locales");
  // "app.name" is جسر; a copied French text would fail this.
  EXPECT_NE(c.get("ar", "page.territories.title"), c.get("fr", "page.territories.title"));
  EXPECT_NE(c.get("ar", "error.not_found").find("\xD8"), std::string::npos);
}

}  // namespace
}  // namespace jisr::i18n
