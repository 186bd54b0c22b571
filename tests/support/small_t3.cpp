#include "tests/support/small_t3.h"

#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "engine/io/state_dict.h"

namespace chatterbox::testing {
namespace {

using models::t3::T3Config;

class RandomDict {
 public:
  explicit RandomDict(uint64_t seed)
      : dict_("small-t3"), generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {}
  void put(const std::string& key, std::vector<int64_t> shape, double scale = 0.2,
           double offset = 0.0) {
    dict_.insert(key, torch::randn(shape, generator_) * scale + offset);
  }
  io::StateDict take() { return std::move(dict_); }

 private:
  io::StateDict dict_;
  at::Generator generator_;
};

void put_llama_layers(RandomDict& w, const T3Config& c) {
  const int64_t d = c.hidden;
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string p = "tfmr.layers." + std::to_string(i) + ".";
    w.put(p + "input_layernorm.weight", {d}, 0.1, 1.0);
    w.put(p + "post_attention_layernorm.weight", {d}, 0.1, 1.0);
    for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"})
      w.put(p + "self_attn." + m + ".weight", {d, d});
    w.put(p + "mlp.gate_proj.weight", {c.intermediate, d});
    w.put(p + "mlp.up_proj.weight", {c.intermediate, d});
    w.put(p + "mlp.down_proj.weight", {d, c.intermediate});
  }
  w.put("tfmr.norm.weight", {d}, 0.1, 1.0);
  w.put("cond_enc.emotion_adv_fc.weight", {d, 1});
  w.put("cond_enc.perceiver.pre_attention_query", {1, c.perceiver_queries, d});
  w.put("cond_enc.perceiver.attn.norm.weight", {d}, 0.1, 1.0);
  w.put("cond_enc.perceiver.attn.norm.bias", {d}, 0.1);
  for (const char* m : {"to_q", "to_k", "to_v", "proj_out"}) {
    w.put(std::string("cond_enc.perceiver.attn.") + m + ".weight", {d, d});
    w.put(std::string("cond_enc.perceiver.attn.") + m + ".bias", {d});
  }
  w.put("text_pos_emb.emb.weight", {c.text_positions, d});
  w.put("speech_pos_emb.emb.weight", {c.speech_positions, d});
  w.put("speech_head.weight", {c.speech_vocab, d});
}

void put_gpt2_layers(RandomDict& w, const T3Config& c) {
  const int64_t d = c.hidden;
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string p = "tfmr.h." + std::to_string(i) + ".";
    for (const char* ln : {"ln_1.", "ln_2."}) {
      w.put(p + ln + "weight", {d}, 0.1, 1.0);
      w.put(p + ln + "bias", {d}, 0.1);
    }
    w.put(p + "attn.c_attn.weight", {d, 3 * d});
    w.put(p + "attn.c_attn.bias", {3 * d});
    w.put(p + "attn.c_proj.weight", {d, d});
    w.put(p + "attn.c_proj.bias", {d});
    w.put(p + "mlp.c_fc.weight", {d, c.intermediate});
    w.put(p + "mlp.c_fc.bias", {c.intermediate});
    w.put(p + "mlp.c_proj.weight", {c.intermediate, d});
    w.put(p + "mlp.c_proj.bias", {d});
  }
  w.put("tfmr.wpe.weight", {c.max_positions, d});
  w.put("tfmr.ln_f.weight", {d}, 0.1, 1.0);
  w.put("tfmr.ln_f.bias", {d}, 0.1);
  w.put("speech_head.weight", {c.speech_vocab, d});
  w.put("speech_head.bias", {c.speech_vocab});
}

}  // namespace

std::shared_ptr<const models::t3::T3Model> small_t3(const std::string& variant, uint64_t seed,
                                                    torch::ScalarType dtype, torch::Device device) {
  models::t3::T3LoadOptions options;
  options.dtype = dtype;
  options.device = device;
  return small_t3(variant, seed, options);
}

std::shared_ptr<const models::t3::T3Model> small_t3(const std::string& variant, uint64_t seed,
                                                    const models::t3::T3LoadOptions& options) {
  T3Config c = T3Config::by_name(variant);
  c.hidden = 64;
  c.layers = 2;
  c.heads = 4;
  c.head_dim = 16;
  c.intermediate = 128;
  c.perceiver_heads = 4;
  RandomDict w(seed);
  w.put("cond_enc.spkr_enc.weight", {c.hidden, c.speaker_embed_size});
  w.put("cond_enc.spkr_enc.bias", {c.hidden});
  w.put("text_emb.weight", {c.text_vocab, c.hidden});
  w.put("speech_emb.weight", {c.speech_vocab, c.hidden});
  if (c.is_llama())
    put_llama_layers(w, c);
  else
    put_gpt2_layers(w, c);
  return std::make_shared<const models::t3::T3Model>(c, w.take(), options);
}

models::t3::T3Conditionals random_t3_voice(uint64_t seed, int64_t prompt_tokens) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
  models::t3::T3Conditionals cond;
  cond.speaker_emb = torch::randn({1, 256}, g);
  cond.cond_prompt_speech_tokens = torch::randint(0, 6561, {1, prompt_tokens}, g, torch::kLong);
  cond.emotion_adv = torch::full({1, 1, 1}, 0.5);
  return cond;
}

torch::Tensor random_text(const models::t3::T3Config& config, uint64_t seed, int64_t n) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto ids = torch::randint(3, 600, {1, n}, g, torch::kLong);
  if (!config.is_llama()) return ids;
  auto start = torch::full({1, 1}, config.start_text_token, torch::kLong);
  auto stop = torch::full({1, 1}, config.stop_text_token, torch::kLong);
  return torch::cat({start, ids, stop}, 1);
}

}  // namespace chatterbox::testing
