#include "controller/messenger/client_request.h"

#include <cctype>

namespace ofkit::ctl::msg {

using nlohmann::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Position of the first comma outside quotes/brackets, or npos.
size_t top_level_comma(std::string_view s) {
  int depth = 0;
  bool in_str = false, esc = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_str) {
      if (esc)
        esc = false;
      else if (c == '\\')
        esc = true;
      else if (c == '"')
        in_str = false;
      continue;
    }
    if (c == '"')
      in_str = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
    else if (c == ',' && depth == 0)
      return i;
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
  int depth = 0;
  bool in_str = false, esc = false, have = false;
  for (char c : text) {
    if (in_str) {
      cur += c;
      if (esc)
        esc = false;
      else if (c == '\\')
        esc = true;
      else if (c == '"')
        in_str = false;
      continue;
    }
    if (is_space(c) && depth == 0) {
      if (have) out.push_back(std::move(cur));
      cur.clear();
      have = false;
      continue;
    }
    have = true;
    cur += c;
    if (c == '"')
      in_str = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  if (in_str) return tl::make_unexpected(std::string("unterminated \"string\""));
  if (depth != 0) return tl::make_unexpected(std::string("unbalanced [ or {"));
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
