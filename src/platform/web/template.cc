// src/platform/web/template.cc
#include "platform/web/template.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace jisr::web {

struct Template::Node {
  enum class Kind { kText, kNewline, kVariable, kRaw, kSection, kInverted };
  Kind kind = Kind::kText;
  std::string text;               // kText, kNewline: the text
  std::vector<std::string> path;  // tags: the name split at dots; {"."} for {{.}}
  std::size_t end = 0;            // sections: index one past the last child
};

namespace {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_path(std::string_view name) {
  std::vector<std::string> out;
  if (name == ".") return {"."};
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    out.emplace_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::runtime_error error_at(const std::string& what, std::size_t offset) {
  return std::runtime_error(what + " at " + std::to_string(offset));
}

// An empty string is false too (as in mustache.js; kainjow took it for true): the pages pass
// "" for a value that is not there, and `{{#x}} — {{x}}{{/x}}` must then show nothing rather
// than a dangling label or dash.
bool is_false(const nlohmann::json& v) {
  return v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_array() && v.empty()) ||
         (v.is_string() && v.get_ref<const std::string&>().empty());
}

// The rendering of one template: the output, where the current line starts in it and
// whether that line held a section tag (kainjow's line buffer, without the copy).
struct Renderer {
  std::string out;
  std::size_t line_start = 0;
  bool line_had_section = false;
  std::vector<const nlohmann::json*> stack;  // innermost last

  const nlohmann::json* lookup(const std::vector<std::string>& path) const {
    if (path.size() == 1 && path[0] == ".") return stack.back();
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      const nlohmann::json* v = *it;
      for (const auto& name : path) {
        if (!v->is_object()) {
          v = nullptr;
          break;
        }
        auto found = v->find(name);
        if (found == v->end()) {
          v = nullptr;
          break;
        }
        v = &*found;
      }
      if (v) return v;
    }
    return nullptr;
  }

  void end_line(const std::string& newline) {
    if (line_had_section) {
      bool blank = true;
      for (std::size_t i = line_start; i < out.size() && blank; ++i) {
        blank = out[i] == ' ' || out[i] == '\t';
      }
      if (blank) {
        out.resize(line_start);
        line_had_section = false;
        return;
      }
    }
    out += newline;
    line_start = out.size();
    line_had_section = false;
  }
};

}  // namespace

void append_html_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
}

Template::Template(std::string_view in) {
  std::vector<std::size_t> open;  // indexes of the sections not closed yet
  std::size_t pos = 0;
  std::string text;
  auto flush_text = [&] {
    if (text.empty()) return;
    Template::Node n;
    n.kind = Template::Node::Kind::kText;
    n.text = std::move(text);
    nodes_.push_back(std::move(n));
    text.clear();
  };
  while (pos < in.size()) {
    if (in.compare(pos, 2, "{{") == 0) {
      flush_text();
      const std::size_t tag_start = pos;
      const bool triple = pos + 2 < in.size() && in[pos + 2] == '{';
      const std::size_t contents_at = pos + (triple ? 3 : 2);
      const std::string_view closer = triple ? "}}}" : "}}";
      const auto close = in.find(closer, contents_at);
      if (close == std::string_view::npos) throw error_at("unclosed tag", tag_start);
      const std::string_view contents = trim(in.substr(contents_at, close - contents_at));
      pos = close + closer.size();
      Template::Node n;
      if (triple) {
        n.kind = Template::Node::Kind::kRaw;
        n.path = split_path(contents);
        nodes_.push_back(std::move(n));
        continue;
      }
      const char sigil = contents.empty() ? '\0' : contents.front();
      const std::string_view name = trim(contents.empty() ? contents : contents.substr(1));
      switch (sigil) {
        case '!':
          continue;
        case '>':
        case '=':
          throw error_at("partials and set-delimiter tags are not supported", tag_start);
        case '&':
          n.kind = Template::Node::Kind::kRaw;
          n.path = split_path(name);
          nodes_.push_back(std::move(n));
          continue;
        case '#':
        case '^':
          n.kind = sigil == '#' ? Template::Node::Kind::kSection : Template::Node::Kind::kInverted;
          n.path = split_path(name);
          n.text = std::string(name);
          open.push_back(nodes_.size());
          nodes_.push_back(std::move(n));
          continue;
        case '/':
          if (open.empty())
            throw error_at("unopened section \"" + std::string(name) + "\"", tag_start);
          if (nodes_[open.back()].text != name) {
            throw error_at("unclosed section \"" + nodes_[open.back()].text + "\"", tag_start);
          }
          nodes_[open.back()].end = nodes_.size() + 0;
          open.pop_back();
          continue;
        default:
          n.kind = Template::Node::Kind::kVariable;
          n.path = split_path(contents);
          nodes_.push_back(std::move(n));
          continue;
      }
    }
    if (in[pos] == '\n' || in[pos] == '\r') {
      flush_text();
      Template::Node n;
      n.kind = Template::Node::Kind::kNewline;
      const bool crlf = in[pos] == '\r' && pos + 1 < in.size() && in[pos + 1] == '\n';
      n.text = std::string(in.substr(pos, crlf ? 2 : 1));
      pos += crlf ? 2 : 1;
      nodes_.push_back(std::move(n));
      continue;
    }
    text.push_back(in[pos++]);
  }
  flush_text();
  if (!open.empty())
    throw std::runtime_error("unclosed section \"" + nodes_[open.back()].text + "\"");
  size_hint_ = in.size() + in.size() / 2;
}

Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

namespace {

// Renders nodes [first, last) of `nodes`.
template <typename NodeT>
void render_range(const std::vector<NodeT>& nodes, std::size_t first, std::size_t last,
                  Renderer& r) {
  using Kind = typename NodeT::Kind;
  for (std::size_t i = first; i < last; ++i) {
    const NodeT& n = nodes[i];
    switch (n.kind) {
      case Kind::kText:
        r.out += n.text;
        break;
      case Kind::kNewline:
        r.end_line(n.text);
        break;
      case Kind::kVariable:
      case Kind::kRaw: {
        const nlohmann::json* v = r.lookup(n.path);
        if (!v) break;
        if (v->is_string()) {
          const auto& s = v->template get_ref<const std::string&>();
          if (n.kind == Kind::kVariable) {
            append_html_escaped(r.out, s);
          } else {
            r.out += s;
          }
        } else if (v->is_number()) {
          r.out += v->dump();  // digits: nothing to escape
        }
        break;
      }
      case Kind::kSection:
      case Kind::kInverted: {
        const nlohmann::json* v = r.lookup(n.path);
        const bool falsy = !v || is_false(*v);
        if ((n.kind == Kind::kSection) == !falsy) {
          auto once = [&](const nlohmann::json* pushed) {
            r.line_had_section = true;
            if (pushed) r.stack.push_back(pushed);
            render_range(nodes, i + 1, n.end, r);
            if (pushed) r.stack.pop_back();
            r.line_had_section = true;
          };
          if (v && v->is_array() && !v->empty()) {
            for (const auto& item : *v) once(&item);
          } else {
            once(v);
          }
        }
        i = n.end - 1;  // past the children
        break;
      }
    }
  }
}

}  // namespace

std::string Template::render(const nlohmann::json& data) const {
  Renderer r;
  r.out.reserve(size_hint_);
  r.stack.reserve(8);
  r.stack.push_back(&data);
  render_range(nodes_, 0, nodes_.size(), r);
  // The last line, as if a newline ended it (without writing one).
  if (r.line_had_section) {
    bool blank = true;
    for (std::size_t i = r.line_start; i < r.out.size() && blank; ++i) {
      blank = r.out[i] == ' ' || r.out[i] == '\t';
    }
    if (blank) r.out.resize(r.line_start);
  }
  return std::move(r.out);
}

}  // namespace jisr::web
