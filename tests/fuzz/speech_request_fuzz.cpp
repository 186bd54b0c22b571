// libFuzzer target: the JSON bodies of POST /v1/audio/speech (OpenAI) and POST /v1/tts
// (native, base64 reference clip included) through the server's parsers. A refusal is an
// ApiError (or a chatterbox::Error, which the transports map alike); an accepted request must
// hold valid, non-blank text within the limit. Nothing may crash or throw anything else.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/error.h"
#include "engine/text/utf8.h"
#include "server/api_error.h"
#include "server/speech_request.h"

namespace {

using chatterbox::server::SpeechRequest;

void check_accepted(const SpeechRequest& request, const chatterbox::server::RequestLimits& limits) {
  const size_t chars = chatterbox::text::utf8_decode(request.text).size();
  if (chars == 0 || chars > limits.max_input_chars) __builtin_trap();
  if (request.reference_clip.size() > limits.max_reference_bytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  chatterbox::server::RequestLimits limits;
  limits.max_body_bytes = 1 << 16;
  limits.max_input_chars = 64;
  limits.max_reference_bytes = 512;
  for (auto parse : {&chatterbox::server::parse_openai_speech_request,
                     &chatterbox::server::parse_native_tts_request}) {
    try {
      check_accepted(parse(body, limits), limits);
    } catch (const chatterbox::server::ApiError&) {
    } catch (const chatterbox::Error&) {
    }
  }
  return 0;
}
