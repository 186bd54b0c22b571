#include "engine/text/sentence_splitter.h"

#include <algorithm>

#include "engine/common/error.h"

namespace chatterbox::text {
namespace {

// The code points of `text`, each as its UTF-8 bytes (invalid bytes stand alone).
std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t n = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 1;
    n = std::min(n, text.size() - i);
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

bool is_space(const std::string& c) {
  return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u3000" || c == "\u00a0";
}

bool ends_sentence(const std::string& c) {
  return c == "." || c == "!" || c == "?" || c == "\u2026" || c == "\u3002" || c == "\uff01" ||
         c == "\uff1f" || c == "\u061f" || c == "\u0964";
}

bool ends_clause(const std::string& c) {
  return c == "," || c == ";" || c == ":" || c == "\u2014" || c == "\uff0c" || c == "\u3001" ||
         c == "\uff1b" || c == "\uff1a";
}

bool is_cjk_stop(const std::string& c) {
  return c == "\u3002" || c == "\uff01" || c == "\uff1f";
}

using Chars = std::vector<std::string>;

std::string join(const Chars& chars, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) out += chars[i];
  return out;
}

std::string trim(const Chars& chars, size_t begin, size_t end) {
  while (begin < end && is_space(chars[begin])) ++begin;
  while (end > begin && is_space(chars[end - 1])) --end;
  return join(chars, begin, end);
}

// Sentences as [begin, end) ranges: a sentence ends after its run of end marks (and closing
// quotes or brackets) when white space, the text's end or a CJK stop follows.
std::vector<std::pair<size_t, size_t>> sentences(const Chars& c) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t begin = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!ends_sentence(c[i])) continue;
    size_t end = i + 1;
    while (end < c.size() && (ends_sentence(c[end]) || c[end] == "\"" || c[end] == "'" ||
                              c[end] == ")" || c[end] == "\u201d" || c[end] == "\u2019"))
      ++end;
    if (end == c.size() || is_space(c[end]) || is_cjk_stop(c[i])) {
      out.emplace_back(begin, end);
      begin = end;
      i = end - 1;
    }
  }
  if (begin < c.size()) out.emplace_back(begin, c.size());
  return out;
}

// Where to cut [begin, end) so that the first part holds at most `limit` code points: after the
// last clause mark, else at the last space, else at the limit.
size_t cut_point(const Chars& c, size_t begin, size_t end, size_t limit) {
  const size_t hard = std::min(end, begin + limit);
  for (size_t i = hard; i > begin + 1; --i)
    if (ends_clause(c[i - 1])) return i;
  for (size_t i = hard; i > begin + 1; --i)
    if (is_space(c[i - 1])) return i;
  return hard;
}

size_t visible_length(const Chars& c, size_t begin, size_t end) {
  while (begin < end && is_space(c[begin])) ++begin;
  while (end > begin && is_space(c[end - 1])) --end;
  return end - begin;
}

}  // namespace

std::vector<std::string> split_for_synthesis(const std::string& text, size_t max_chars) {
  if (max_chars == 0) fail(ErrorCode::kInvalidArgument, "the text chunk limit must be >= 1");
  const Chars c = code_points(text);
  std::vector<std::string> pieces;
  size_t piece_begin = 0, piece_end = 0;  // the sentences packed so far
  auto flush = [&] {
    std::string piece = trim(c, piece_begin, piece_end);
    if (!piece.empty()) pieces.push_back(piece);
    piece_begin = piece_end;
  };
  for (auto [begin, end] : sentences(c)) {
    if (visible_length(c, piece_begin, end) <= max_chars) {
      piece_end = end;
      continue;
    }
    flush();
    piece_begin = begin;
    while (visible_length(c, begin, end) > max_chars) {
      while (begin < end && is_space(c[begin])) ++begin;
      const size_t cut = cut_point(c, begin, end, max_chars);
      piece_begin = begin;
      piece_end = cut;
      flush();
      begin = cut;
    }
    piece_begin = begin;
    piece_end = end;
  }
  flush();
  return pieces;
}

}  // namespace chatterbox::text
