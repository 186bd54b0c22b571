#pragma once
// Small string helpers the standard library gains only in C++20.

#include <string_view>

namespace chatterbox {

inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace chatterbox
