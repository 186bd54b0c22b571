#include "server/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/common/error.h"

namespace chatterbox::server {
namespace {

bool valid_name(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string escape_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0f", value);
    return buf;
  }
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

MetricFamily::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!valid_name(name_, true))
    fail(ErrorCode::kInvalidArgument, "bad metric name '" + name_ + "'");
  for (const auto& label : label_names_)
    if (!valid_name(label, false) || label == "le" || label.rfind("__", 0) == 0)
      fail(ErrorCode::kInvalidArgument, "bad label name '" + label + "' for " + name_);
}

std::string MetricFamily::expose() const {
  std::string out = "# HELP " + name_ + " " + escape_help(help_) + "\n";
  out += "# TYPE " + name_ + " " + type() + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  expose_series(out);
  return out;
}

std::string MetricFamily::label_text(const LabelValues& values, const std::string& extra) const {
  if (label_names_.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < label_names_.size(); ++i) {
    if (i) out += ",";
    out += label_names_[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  if (!extra.empty()) out += (label_names_.empty() ? "" : ",") + extra;
  return out + "}";
}

void MetricFamily::check_arity(const LabelValues& values) const {
  if (values.size() != label_names_.size())
    fail(ErrorCode::kInvalidArgument, name_ + " takes " + std::to_string(label_names_.size()) +
                                          " label values, got " + std::to_string(values.size()));
}

void Counter::inc(const LabelValues& labels, double by) {
  check_arity(labels);
  if (!(by >= 0)) fail(ErrorCode::kInvalidArgument, name_ + ": a counter only goes up");
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] += by;
}

double Counter::value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0.0 : it->second;
}

void Counter::expose_series(std::string& out) const {
  if (values_.empty() && label_names_.empty()) out += name_ + " 0\n";
  for (const auto& [labels, value] : values_)
    out += name_ + label_text(labels) + " " + format_metric_value(value) + "\n";
}

void Gauge::set(const LabelValues& labels, double value) {
  check_arity(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] = value;
}

void Gauge::add(const LabelValues& labels, double delta) {
  check_arity(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] += delta;
}

double Gauge::value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0.0 : it->second;
}

void Gauge::expose_series(std::string& out) const {
  if (values_.empty() && label_names_.empty()) out += name_ + " 0\n";
  for (const auto& [labels, value] : values_)
    out += name_ + label_text(labels) + " " + format_metric_value(value) + "\n";
}

Histogram::Histogram(std::string name, std::string help, std::vector<double> bounds,
                     std::vector<std::string> label_names)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)),
      bounds_(std::move(bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i)
    if (!std::isfinite(bounds_[i]) || (i && bounds_[i] <= bounds_[i - 1]))
      fail(ErrorCode::kInvalidArgument, name_ + ": bucket bounds must be finite and increasing");
}

void Histogram::observe(const LabelValues& labels, double value) {
  check_arity(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  ++s.buckets[bucket];
  s.sum += value;
  ++s.count;
}

uint64_t Histogram::count(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::expose_series(std::string& out) const {
  std::map<LabelValues, Series> series = series_;
  if (series.empty() && label_names_.empty()) series[{}].buckets.assign(bounds_.size() + 1, 0);
  for (const auto& [labels, s] : series) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      const std::string le = i < bounds_.size() ? format_metric_value(bounds_[i]) : "+Inf";
      out += name_ + "_bucket" + label_text(labels, "le=\"" + le + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum" + label_text(labels) + " " + format_metric_value(s.sum) + "\n";
    out += name_ + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
  }
}

template <typename T>
T& MetricsRegistry::add(std::unique_ptr<T> family) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& existing : families_)
    if (existing->name() == family->name())
      fail(ErrorCode::kInvalidArgument, "metric " + family->name() + " is registered twice");
  T& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Counter& MetricsRegistry::add_counter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  return add(std::make_unique<Counter>(name, help, std::move(label_names)));
}

Gauge& MetricsRegistry::add_gauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  return add(std::make_unique<Gauge>(name, help, std::move(label_names)));
}

Histogram& MetricsRegistry::add_histogram(const std::string& name, const std::string& help,
                                          std::vector<double> bounds,
                                          std::vector<std::string> label_names) {
  return add(std::make_unique<Histogram>(name, help, std::move(bounds), std::move(label_names)));
}

std::string MetricsRegistry::expose() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& family : families_) out += family->expose();
  return out;
}

}  // namespace chatterbox::server
