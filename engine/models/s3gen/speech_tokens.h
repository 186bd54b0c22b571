#pragma once
// The S3 speech-token vocabulary that the tokenizer emits and the flow embeds.

#include <cstdint>

namespace chatterbox::models::s3gen {

constexpr int64_t kSpeechVocabSize = 6561;  // 3^8 FSQ codes

}  // namespace chatterbox::models::s3gen
