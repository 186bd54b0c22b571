#include "engine/dsp/vorbis_headers.h"

#include <ogg/ogg.h>
#include <vorbis/codec.h>

#include <algorithm>
#include <cstring>

namespace chatterbox::dsp {
namespace {

constexpr size_t kFeed = 4096;

// libogg's and libvorbis's decoding state for one check, freed on every way out.
class HeaderReader {
 public:
  HeaderReader(const void* data, size_t size)
      : data_(static_cast<const unsigned char*>(data)), size_(size) {
    ogg_sync_init(&sync_);
    vorbis_info_init(&info_);
    vorbis_comment_init(&comment_);
  }
  ~HeaderReader() {
    if (stream_open_) ogg_stream_clear(&stream_);
    vorbis_comment_clear(&comment_);
    vorbis_info_clear(&info_);
    ogg_sync_clear(&sync_);
  }
  HeaderReader(const HeaderReader&) = delete;
  HeaderReader& operator=(const HeaderReader&) = delete;

  VorbisHeaders check() {
    ogg_page page;
    if (!next_page(page)) return VorbisHeaders::kNotVorbis;
    ogg_stream_init(&stream_, ogg_page_serialno(&page));
    stream_open_ = true;
    ogg_packet packet;
    if (ogg_stream_pagein(&stream_, &page) != 0 || ogg_stream_packetout(&stream_, &packet) != 1)
      return VorbisHeaders::kNotVorbis;
    if (packet.bytes < 7 || std::memcmp(packet.packet, "\x01vorbis", 7) != 0)
      return VorbisHeaders::kNotVorbis;
    // As libsndfile: the first packet begins the stream, alone on its page.
    if (!packet.b_o_s || ogg_stream_packetpeek(&stream_, nullptr) != 0 ||
        vorbis_synthesis_headerin(&info_, &comment_, &packet) < 0)
      return VorbisHeaders::kMalformed;
    for (int headers = 1; headers < 3;) {
      const int got = ogg_stream_packetout(&stream_, &packet);
      if (got < 0) return VorbisHeaders::kMalformed;  // a page of the headers is missing
      if (got == 0) {
        if (!next_page_of_stream(page)) return VorbisHeaders::kMalformed;
        continue;
      }
      if (vorbis_synthesis_headerin(&info_, &comment_, &packet) < 0)
        return VorbisHeaders::kMalformed;
      ++headers;
    }
    return VorbisHeaders::kReadable;
  }

 private:
  bool next_page(ogg_page& page) {
    for (;;) {
      const int got = ogg_sync_pageout(&sync_, &page);
      if (got == 1) return true;
      if (got < 0) continue;  // skipped bytes before a page
      if (fed_ == size_) return false;
      const size_t n = std::min(kFeed, size_ - fed_);
      char* buffer = ogg_sync_buffer(&sync_, static_cast<long>(n));
      if (buffer == nullptr) return false;
      std::memcpy(buffer, data_ + fed_, n);
      ogg_sync_wrote(&sync_, static_cast<long>(n));
      fed_ += n;
    }
  }

  // The next page of the Vorbis stream (pages of other streams are passed over).
  bool next_page_of_stream(ogg_page& page) {
    while (next_page(page))
      if (ogg_page_serialno(&page) == stream_.serialno)
        return ogg_stream_pagein(&stream_, &page) == 0;
    return false;
  }

  const unsigned char* data_;
  size_t size_;
  size_t fed_ = 0;
  ogg_sync_state sync_;
  ogg_stream_state stream_;
  bool stream_open_ = false;
  vorbis_info info_;
  vorbis_comment comment_;
};

}  // namespace

VorbisHeaders check_vorbis_headers(const void* data, size_t size) {
  if (size < 4 || std::memcmp(data, "OggS", 4) != 0) return VorbisHeaders::kNotVorbis;
  HeaderReader reader(data, size);
  return reader.check();
}

}  // namespace chatterbox::dsp
