#pragma once
// A small Prometheus registry: counter, gauge and histogram families with fixed label names,
// exposed in the text format 0.0.4 (HELP and TYPE lines, escaped label values). Thread-safe:
// any thread may update while another exposes.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace chatterbox::server {

using LabelValues = std::vector<std::string>;

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  const std::string& name() const { return name_; }
  virtual const char* type() const = 0;
  // HELP, TYPE and every series, in label-value order.
  std::string expose() const;

 protected:
  // `{a="x",b="y"}` with `extra` (e.g. le="0.5") last; empty when there are no labels.
  std::string label_text(const LabelValues& values, const std::string& extra = "") const;
  void check_arity(const LabelValues& values) const;  // throws kInvalidArgument
  virtual void expose_series(std::string& out) const = 0;

  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
};

class Counter : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  const char* type() const override { return "counter"; }
  void inc(const LabelValues& labels = {}, double by = 1.0);  // by < 0 throws kInvalidArgument
  double value(const LabelValues& labels = {}) const;

 private:
  void expose_series(std::string& out) const override;
  std::map<LabelValues, double> values_;
};

class Gauge : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  const char* type() const override { return "gauge"; }
  void set(const LabelValues& labels, double value);
  void set(double value) { set({}, value); }
  void add(const LabelValues& labels, double delta);
  double value(const LabelValues& labels = {}) const;

 private:
  void expose_series(std::string& out) const override;
  std::map<LabelValues, double> values_;
};

class Histogram : public MetricFamily {
 public:
  // `bounds`: the buckets' upper bounds, strictly increasing; +Inf is added.
  Histogram(std::string name, std::string help, std::vector<double> bounds,
            std::vector<std::string> label_names = {});
  const char* type() const override { return "histogram"; }
  void observe(const LabelValues& labels, double value);
  void observe(double value) { observe({}, value); }
  uint64_t count(const LabelValues& labels = {}) const;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // per bound (not cumulative), then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  void expose_series(std::string& out) const override;
  std::vector<double> bounds_;
  std::map<LabelValues, Series> series_;
};

class MetricsRegistry {
 public:
  // Names must be valid Prometheus names and unique (kInvalidArgument otherwise). The returned
  // references live as long as the registry.
  Counter& add_counter(const std::string& name, const std::string& help,
                       std::vector<std::string> label_names = {});
  Gauge& add_gauge(const std::string& name, const std::string& help,
                   std::vector<std::string> label_names = {});
  Histogram& add_histogram(const std::string& name, const std::string& help,
                           std::vector<double> bounds, std::vector<std::string> label_names = {});
  // The whole exposition, families in the order they were added.
  std::string expose() const;
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  template <typename T>
  T& add(std::unique_ptr<T> family);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

// Prometheus's number form: integers without a fraction, +Inf, -Inf, NaN, else the shortest
// decimal that reads back exactly.
std::string format_metric_value(double value);
std::string escape_label_value(const std::string& value);

}  // namespace chatterbox::server
