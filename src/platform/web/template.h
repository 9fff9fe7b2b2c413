// src/platform/web/template.h
//
// The mustache templates of the pages, compiled once and rendered straight from
// nlohmann::json. It replaced kainjow::mustache at render time (the person file page spent a
// fifth of its CPU converting its data to kainjow's objects and walking one node per space
// character); its output is byte for byte kainjow's, quirks included, which the unit tests
// check against kainjow itself:
//   - {{name}} (HTML-escaped: & < > " ' as kainjow), {{{name}}} and {{&name}} (raw);
//     strings and numbers are written, anything else writes nothing;
//   - {{#name}}...{{/name}} renders for each item of a non-empty list, once with the value
//     pushed on the context for anything else except false, null, an empty list or a missing
//     name; {{^name}} is the opposite; {{! comment}};
//   - a.b.c looks the whole path up in each context from the innermost outwards; {{.}} is
//     the innermost value;
//   - a line that held a section tag (rendered) and writes only spaces or tabs is dropped with
//     its newline (kainjow's rule, decided on the rendered line, not on the template).
// Partials and set-delimiter tags are not supported (the templates use none): compiling one
// fails.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace jisr::web {

class Template {
 public:
  // Compiles `text`. Throws std::runtime_error (with the byte offset) on an unclosed tag or
  // section, a section closed under another name, or an unsupported tag.
  explicit Template(std::string_view text);
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  // Renders with `data` as the outermost context. Thread-safe: rendering holds no state in the
  // template.
  std::string render(const nlohmann::json& data) const;

 private:
  struct Node;
  std::vector<Node> nodes_;  // pre-order; a section's children follow it (see Node::end)
  std::size_t size_hint_ = 0;
};

// Appends `text` to `out` HTML-escaped: & < > " ' as &amp; &lt; &gt; &quot; &apos; (kainjow's
// set and spelling), every other byte as it is. The one escaper of the pages: the templates'
// {{values}} and the messages put in by views' substitute_messages. The backtick is not
// escaped: no HTML5 parser ends an attribute value or starts markup on it (only old Internet
// Explorer took it for a quote), and every attribute of the templates is double-quoted.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace jisr::web
