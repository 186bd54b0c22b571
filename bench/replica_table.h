#pragma once
// chatterbox-bench replicas: one model served by the registry on each of several device lists
// (say "cuda:0" against "cuda:0,cuda:0", or one GPU against all of them), with concurrent
// streams spread over its instances by the registry's least-loaded routing. Prints each
// instance's place and, per list and concurrency, time to first audio (mean, p50, p99), the
// mean real-time factor, the aggregate throughput and how many requests each instance served.

namespace chatterbox::bench {

// argv after "replicas": --variant turbo --device-lists "cuda:0;cuda:0,cuda:0"
//                        --concurrency 64,256 --tokens 50 --precision auto
int run_replica_table(int argc, char** argv);

}  // namespace chatterbox::bench
