#include "controller/messenger/client_request.h"

#include <cctype>

namespace ofkit::ctl::msg {

using nlohmann::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// JSON-ish nesting over a stream of characters: "strings" with \ escapes,
// [ ] and { } depth. Shared by the comma finder and the word splitter.
struct Nesting {
  int depth = 0;
  bool in_str = false, esc = false;
  // Whether the next character stands outside any string or bracket.
  bool top_level() const { return !in_str && depth == 0; }
  void feed(char c) {
    if (in_str) {
      if (esc)
        esc = false;
      else if (c == '\\')
        esc = true;
      else if (c == '"')
        in_str = false;
      return;
    }
    if (c == '"')
      in_str = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
};

// Position of the first comma outside quotes/brackets, or npos.
size_t top_level_comma(std::string_view s) {
  Nesting n;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' && n.top_level()) return i;
    n.feed(s[i]);
  }
  return std::string_view::npos;
}

bool key_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         (!first && (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-'));
}

}  // namespace

tl::expected<std::vector<std::string>, std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  Nesting n;
  bool have = false;
  for (char c : text) {
    if (is_space(c) && n.top_level()) {
      if (have) out.push_back(std::move(cur));
      cur.clear();
      have = false;
      continue;
    }
    have = true;
    cur += c;
    n.feed(c);
  }
  if (n.in_str) return tl::make_unexpected(std::string("unterminated \"string\""));
  if (n.depth != 0) return tl::make_unexpected(std::string("unbalanced [ or {"));
  if (have) out.push_back(std::move(cur));
  return out;
}

tl::expected<json, std::string> build_request(const std::vector<std::string>& words) {
  if (words.empty()) return tl::make_unexpected(std::string("no command"));
  if (!words[0].empty() && words[0][0] == '{') {
    std::string all;
    for (const auto& w : words) all += (all.empty() ? "" : " ") + w;
    json j = json::parse(all, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return tl::make_unexpected("not a JSON object: " + all);
    if (!j.contains("cmd")) return tl::make_unexpected(std::string("the JSON request has no \"cmd\""));
    return j;
  }
  json req = json::object();
  req["cmd"] = words[0];
  std::string positional;
  std::vector<std::string> tokens;
  for (size_t i = 1; i < words.size(); ++i) {
    auto split = split_words(words[i]);
    if (!split) return tl::make_unexpected(words[i] + ": " + split.error());
    for (auto& t : *split) tokens.push_back(std::move(t));
  }
  for (const std::string& t : tokens) {
    if (t[0] == '{') {
      json j = json::parse(t, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return tl::make_unexpected("not a JSON object: " + t);
      for (auto it = j.begin(); it != j.end(); ++it) req[it.key()] = it.value();
      continue;
    }
    size_t eq = 0;
    while (eq < t.size() && key_char(t[eq], eq == 0)) ++eq;
    if (eq > 0 && eq < t.size() && t[eq] == '=' &&
        top_level_comma(std::string_view(t).substr(eq + 1)) == std::string_view::npos) {
      const std::string key = t.substr(0, eq), value = t.substr(eq + 1);
      if (key == "cmd") return tl::make_unexpected(std::string("the command comes first, not as cmd="));
      json v = json::parse(value, nullptr, false);
      req[key] = v.is_discarded() ? json(value) : std::move(v);
      continue;
    }
    positional += (positional.empty() ? "" : ",") + t;
  }
  if (!positional.empty()) req["arg"] = positional;
  return req;
}

}  // namespace ofkit::ctl::msg
