#pragma once
// chatterbox-bench http: a running chatterboxd under concurrent streaming clients of its REST
// API, printed as a table (time to first audio byte, real-time factor, aggregate throughput).

namespace chatterbox::bench {

// argv after "http": --url http://127.0.0.1:8000 --model nano --concurrency 1,4 --tokens 50
//                    [--api-key KEY] [--repeats 1]
int run_http_table(int argc, char** argv);

}  // namespace chatterbox::bench
