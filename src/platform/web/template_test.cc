// src/platform/web/template_test.cc
//
// The page renderer against kainjow::mustache, which it replaced: same bytes for hand-picked
// cases (whitespace rules, lookups, escaping) and for every template of web/templates under
// random data.
#include "platform/web/template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "platform/i18n/catalog.h"
#include "platform/web/views.h"

namespace jisr::web {
namespace {

namespace mstch = kainjow::mustache;

// What the pages did before: nlohmann::json converted to kainjow's data.
mstch::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(*it));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      for (const auto& item : j) d.push_back(to_data(item));
      return d;
    }
    case nlohmann::json::value_t::string:
      // Our one difference from kainjow: an empty string is false in sections (template.cc).
      if (j.get_ref<const std::string&>().empty())
        return mstch::data{mstch::data::type::bool_false};
      return mstch::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mstch::data{mstch::data::type::bool_true}
                           : mstch::data{mstch::data::type::bool_false};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return mstch::data{j.dump()};
    default:
      return mstch::data{mstch::data::type::bool_false};
  }
}

std::string kainjow(const std::string& text, const nlohmann::json& data) {
  mstch::mustache m(text);
  EXPECT_TRUE(m.is_valid()) << m.error_message();
  return m.render(to_data(data));
}

std::string ours(const std::string& text, const nlohmann::json& data) {
  return Template(text).render(data);
}

void expect_same(const std::string& text, const nlohmann::json& data) {
  EXPECT_EQ(ours(text, data), kainjow(text, data)) << "template:\n" << text << "\ndata: " << data;
}

TEST(Template, VariablesEscapeAndLookUp) {
  const nlohmann::json data = {{"a", "x<y & 'z' \"q\" `b`"},
                               {"n", 42},
                               {"f", 1.5},
                               {"t", true},
                               {"o", {{"b", {{"c", "deep"}}}, {"s", "in o"}}},
                               {"l", {"one", "two"}},
                               {"nul", nullptr}};
  EXPECT_EQ(ours("{{a}}|{{{a}}}|{{& a }}", data),
            "x&lt;y &amp; &apos;z&apos; &quot;q&quot; `b`|x<y & 'z' \"q\" `b`|x<y & 'z' \"q\" `b`");
  EXPECT_EQ(ours("{{n}} {{f}} [{{t}}] [{{o}}] [{{l}}] [{{nul}}] [{{missing}}] {{o.b.c}}", data),
            "42 1.5 [] [] [] [] [] deep");
  for (const char* t :
       {"{{a}}|{{{a}}}|{{&a}}", "{{n}} {{f}} {{t}} {{o}} {{l}} {{nul}} {{o.b.c}} {{o.x}}",
        "{{#o}}{{s}} {{a}} {{b.c}}{{/o}}", "{{#l}}<{{.}}>{{/l}}", "{{#o.b}}{{c}}{{/o.b}}",
        "{{#o}}{{#b}}{{s}}{{c}}{{a}}{{/b}}{{/o}}", "{{ a }}{{# o }}{{ s }}{{/ o }}{{! note }}x"}) {
    expect_same(t, data);
  }
}

// The one HTML escaper of the pages: exactly & < > " ' are replaced (kainjow's spelling),
// every other byte, the backtick and UTF-8 Arabic included, is kept; messages put in by
// substitute_messages are escaped the same way as template values.
TEST(HtmlEscape, EscapesTheFiveCharactersOnlyForValuesAndMessages) {
  std::string out = "kept<";
  append_html_escaped(out, "&<>\"'");
  EXPECT_EQ(out, "kept<&amp;&lt;&gt;&quot;&apos;");
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  std::string escaped;
  append_html_escaped(escaped, all);
  std::string expected;
  for (const char c : all) {
    if (c != '&' && c != '<' && c != '>' && c != '"' && c != '\'') expected.push_back(c);
  }
  escaped = std::regex_replace(escaped, std::regex("&(amp|lt|gt|quot|apos);"), "");
  EXPECT_EQ(escaped, expected) << "only the five are replaced; ` stays";
  const std::string arabic = "يوسف `a` b=c";
  out.clear();
  append_html_escaped(out, arabic);
  EXPECT_EQ(out, arabic);

  const auto catalogs = i18n::Catalogs::from_maps({{"fr", {{"m", "L'« <b> » & \"x\" `y`"}}}});
  EXPECT_EQ(substitute_messages("<p>{{t:m}}</p>", "fr", catalogs),
            "<p>L&apos;« &lt;b&gt; » &amp; &quot;x&quot; `y`</p>");
  EXPECT_EQ(substitute_messages("{{t:m}}", "fr", catalogs),
            ours("{{m}}", {{"m", catalogs.get("fr", "m")}}))
      << "a message is escaped as a template value is";
}

TEST(Template, SectionsTruthiness) {
  const nlohmann::json data = {{"t", true},
                               {"f", false},
                               {"nul", nullptr},
                               {"e", ""},
                               {"z", 0},
                               {"el", nlohmann::json::array()},
                               {"eo", nlohmann::json::object()},
                               {"l", {1, 2, 3}},
                               {"lo", {{{"k", "a"}}, {{"k", "b"}}}}};
  for (const char* name : {"t", "f", "nul", "e", "z", "el", "eo", "l", "lo", "missing"}) {
    const std::string n = name;
    expect_same(
        "[{{#" + n + "}}yes {{.}} {{k}}{{/" + n + "}}][{{^" + n + "}}no {{.}}{{/" + n + "}}]",
        data);
  }
  // A value that is not there ("") shows neither its label nor a dangling dash.
  EXPECT_EQ(ours("Open{{#r}} — {{r}}{{/r}}{{^r}}.{{/r}}", {{"r", ""}}), "Open.");
  EXPECT_EQ(ours("Open{{#r}} — {{r}}{{/r}}{{^r}}.{{/r}}", {{"r", "kafala"}}), "Open — kafala");
  // A null inside shadows the same name outside.
  expect_same("{{#lo}}{{k}}{{#inner}}{{k}}{{/inner}}{{/lo}}",
              {{"lo", {{{"k", "a"}, {"inner", {{"k", nullptr}}}}}}, {"k", "outer"}});
  expect_same("{{#o}}{{k}}{{/o}}", {{"o", {{"k", nullptr}}}, {"k", "outer"}});
}

TEST(Template, LinesHoldingOnlySectionTagsAreDropped) {
  const nlohmann::json data = {
      {"t", true}, {"f", false}, {"l", {"a", "b"}}, {"s", "  "}, {"html", "<p>\n  x\n</p>\n"}};
  for (const char* t : {
           "a\n  {{#t}}\n  b\n  {{/t}}\nc\n",
           "a\n  {{#f}}\n  b\n  {{/f}}\nc\n",
           "a\n  {{^f}}\n  b\n  {{/f}}\nc\n",
           "<ul>\n  {{#l}}\n  <li>{{.}}</li>\n  {{/l}}\n</ul>\n",
           "<ul>{{#l}}\n  <li>{{.}}</li>\n{{/l}}</ul>\n",
           "x {{#t}}{{s}}{{/t}}\n{{#t}}{{s}}{{/t}}\n\t{{#t}}\t{{/t}}\t\r\nend",
           "{{#t}}  {{/t}}",
           "  {{#t}}  {{/t}}",
           "a\n\n  \n{{#t}}\n\n{{/t}}\n",
           "<main>\n{{{html}}}\n</main>\n",
           "  {{#t}}{{{html}}}{{/t}}\n",
           "{{! comment }}\n  {{! alone }}\nz",
           "{{#l}}{{#t}}\n{{.}}\n{{/t}}{{/l}}",
           "\r\n{{#t}}\r\n\r{{/t}}\r",
       }) {
    expect_same(t, data);
  }
}

TEST(Template, RefusesWhatItDoesNotRender) {
  EXPECT_THROW(Template("{{#a}}x"), std::runtime_error);
  EXPECT_THROW(Template("x{{/a}}"), std::runtime_error);
  EXPECT_THROW(Template("{{#a}}{{/b}}"), std::runtime_error);
  EXPECT_THROW(Template("{{a"), std::runtime_error);
  EXPECT_THROW(Template("{{> partial}}"), std::runtime_error);
  EXPECT_THROW(Template("{{=<% %>=}}"), std::runtime_error);
}

// Random data for the names a template uses: each name gets one of a few shapes (missing,
// null, booleans, strings with characters to escape, numbers, lists of objects or strings,
// objects), nested two levels deep.
nlohmann::json random_value(std::mt19937& rng, const std::vector<std::string>& names, int depth);

nlohmann::json random_object(std::mt19937& rng, const std::vector<std::string>& names, int depth) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& name : names) {
    if (rng() % 3 == 0) continue;  // missing
    nlohmann::json* slot = &o;
    std::stringstream path(name);
    std::string part;
    while (std::getline(path, part, '.')) {
      if (!slot->is_object()) *slot = nlohmann::json::object();
      slot = &(*slot)[part];
    }
    *slot = random_value(rng, names, depth);
  }
  return o;
}

nlohmann::json random_value(std::mt19937& rng, const std::vector<std::string>& names, int depth) {
  switch (rng() % (depth > 0 ? 11 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return false;
    case 2:
      return true;
    case 3:
      return "";
    case 4:
      return "<b>Fès & \"Salé\"</b> 'x'";
    case 5:
      return static_cast<int>(rng() % 100);
    case 6:
      return nlohmann::json::array();
    case 7:
      return nlohmann::json::array({"يوسف", "<i>"});
    case 8:
      return random_object(rng, names, depth - 1);
    default: {
      nlohmann::json l = nlohmann::json::array();
      for (int i = 0; i < 2; ++i) l.push_back(random_object(rng, names, depth - 1));
      return l;
    }
  }
}

TEST(Template, EveryPageTemplateRendersAsKainjowDid) {
  const char* root_env = std::getenv("JISR_SOURCE_DIR");
  const std::filesystem::path root = root_env ? root_env : JISR_SOURCE_DIR;
  const auto catalogs = i18n::Catalogs::load(root / "web/locales");
  const std::regex tag(R"(\{\{\{?\s*[#^/&]?\s*([A-Za-z0-9_.]+)\s*\}?\}\})");
  std::mt19937 rng(20261129);
  int templates = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "web/templates")) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    for (const std::string lang : {"fr", "ar"}) {
      const std::string text = substitute_messages(ss.str(), lang, catalogs);
      std::set<std::string> found;
      for (std::sregex_iterator it(text.begin(), text.end(), tag), end; it != end; ++it) {
        if ((*it)[1] != ".") found.insert((*it)[1]);
      }
      const std::vector<std::string> names(found.begin(), found.end());
      expect_same(text, nlohmann::json::object());
      for (int i = 0; i < 12; ++i) expect_same(text, random_object(rng, names, 1));
    }
    ++templates;
  }
  EXPECT_GT(templates, 20);
}

}  // namespace
}  // namespace jisr::web
