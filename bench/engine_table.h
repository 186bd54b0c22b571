#pragma once
// chatterbox-bench engine: the serving engine under concurrent streaming requests, per variant,
// printed as a table (time to first audio, real-time factor, T3 tokens/s, aggregate throughput).

namespace chatterbox::bench {

// argv after "engine": --variants original,turbo,nano --concurrency 1,4,16 --tokens 50
//                      --precisions fp32,bf16 --graphs on,off --audio-thread auto,on,off
//                      --max-len 1024
int run_engine_table(int argc, char** argv);

}  // namespace chatterbox::bench
