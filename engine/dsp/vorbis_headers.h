#pragma once
// A look at the three Vorbis headers of Ogg bytes before libsndfile opens them. libsndfile 1.2
// (Debian 12) leaks the Vorbis state it set up (about 6 KB) whenever it gives up on an Ogg
// Vorbis stream's headers, and uploaded audio is untrusted: such bytes are refused here first,
// with libvorbis reading the headers as libsndfile would and freeing what it set up.

#include <cstddef>

namespace chatterbox::dsp {

enum class VorbisHeaders {
  kNotVorbis,  // not Ogg, or the first logical stream is not Vorbis: for libsndfile to judge
  kReadable,   // identification, comment and setup headers all accepted
  kMalformed,  // Ogg Vorbis whose headers libsndfile would fail on
};

VorbisHeaders check_vorbis_headers(const void* data, size_t size);

}  // namespace chatterbox::dsp
