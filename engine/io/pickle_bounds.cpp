#include "engine/io/pickle_bounds.h"

#include <cstdint>
#include <cstring>

#include "engine/common/error.h"

namespace chatterbox::io {
namespace {

// How an opcode's argument is laid out in the stream.
enum class Argument {
  kNone,
  kFixed,      // `width` bytes
  kLine,       // up to and including a newline
  kTwoLines,   // GLOBAL and INST: module and name
  kCounted,    // a little-endian length of `width` bytes, then that many bytes
  kMemoIndex,  // a little-endian memo index of `width` bytes (BINPUT, LONG_BINPUT)
  kMemoLine,   // a decimal memo index up to a newline (PUT)
};

struct Opcode {
  Argument argument;
  int width;
};

// The opcodes of protocols 0 to 5 (Python's pickletools lists them), by argument layout.
struct OpcodeGroup {
  Opcode layout;
  const char* codes;
};
constexpr OpcodeGroup kOpcodes[] = {
    {{Argument::kNone, 0},
     "(.012NQRabd}elo]st)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98"},
    {{Argument::kFixed, 1}, "Kh\x80\x82"},
    {{Argument::kFixed, 2}, "M\x83"},
    {{Argument::kFixed, 4}, "Jj\x84"},
    {{Argument::kFixed, 8}, "G\x95"},
    {{Argument::kLine, 0}, "FILPSVg"},
    {{Argument::kTwoLines, 0}, "ci"},
    {{Argument::kCounted, 1}, "UC\x8a\x8c"},
    {{Argument::kCounted, 4}, "TXB\x8b"},
    {{Argument::kCounted, 8}, "\x8d\x8e\x96"},
    {{Argument::kMemoIndex, 1}, "q"},
    {{Argument::kMemoIndex, 4}, "r"},
    {{Argument::kMemoLine, 0}, "p"},
};

bool describe(uint8_t code, Opcode& op) {
  for (const auto& group : kOpcodes) {
    if (std::strchr(group.codes, static_cast<char>(code)) != nullptr && code != 0) {
      op = group.layout;
      return true;
    }
  }
  return false;
}

uint64_t little_endian(const char* bytes, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

class Walk {
 public:
  Walk(const char* data, size_t size, const std::string& what)
      : data_(data), size_(size), what_(what) {}

  void run() {
    while (pos_ < size_) {
      const auto code = static_cast<uint8_t>(data_[pos_++]);
      if (code == '.') return;
      Opcode op{};
      if (!describe(code, op)) refuse("an unknown opcode " + std::to_string(code));
      read_argument(op);
    }
    refuse("no STOP opcode");
  }

 private:
  void read_argument(const Opcode& op) {
    switch (op.argument) {
      case Argument::kNone:
        return;
      case Argument::kFixed:
        take(op.width);
        return;
      case Argument::kLine:
        skip_line();
        return;
      case Argument::kTwoLines:
        skip_line();
        skip_line();
        return;
      case Argument::kCounted:
        take(little_endian(take(op.width), op.width));
        return;
      case Argument::kMemoIndex:
        check_memo_index(little_endian(take(op.width), op.width));
        return;
      case Argument::kMemoLine: {
        const size_t start = pos_;
        skip_line();
        const std::string digits(data_ + start, pos_ - start - 1);
        if (digits.empty() || digits.size() > 19 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
          refuse("a PUT without a memo index");
        check_memo_index(std::stoull(digits));
        return;
      }
    }
  }

  // Every put takes at least two bytes, so a stream of `size_` bytes numbers fewer than
  // size_ / 2 entries.
  void check_memo_index(uint64_t index) {
    if (index > size_ / 2) refuse("a memo index of " + std::to_string(index));
  }

  const char* take(uint64_t count) {
    if (count > size_ - pos_) refuse("an argument of " + std::to_string(count) + " bytes");
    const char* start = data_ + pos_;
    pos_ += static_cast<size_t>(count);
    return start;
  }

  void skip_line() {
    const void* newline = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (newline == nullptr) refuse("a line without its end");
    pos_ = static_cast<size_t>(static_cast<const char*>(newline) - data_) + 1;
  }

  [[noreturn]] void refuse(const std::string& finding) const {
    fail(ErrorCode::kCorruptData, what_ + " is corrupt: its pickle has " + finding + " at byte " +
                                      std::to_string(pos_) + " of " + std::to_string(size_));
  }

  const char* data_;
  size_t size_;
  const std::string& what_;
  size_t pos_ = 0;
};

}  // namespace

void check_pickle_bounds(const char* data, size_t size, const std::string& what) {
  Walk(data, size, what).run();
}

}  // namespace chatterbox::io
