#include "server/grpc/health_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace chatterbox::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// An in-process server with only the health service.
class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    stub_ = Health::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    health_.shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  grpc::Status check(const std::string& service, HealthCheckResponse::ServingStatus* status) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status s = stub_->Check(&context, request, &response);
    *status = response.status();
    return s;
  }

  // A Watch of `service` that gives up after 10 s.
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch(const std::string& service,
                                                                 grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckRequest request;
    request.set_service(service);
    return stub_->Watch(&context, request);
  }

  HealthService health_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(HealthServiceTest, CheckFollowsTheStatusPerService) {
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(check("", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING) << "not ready before warm-up";
  EXPECT_EQ(check("chatterbox.turbo", &status).error_code(), grpc::StatusCode::NOT_FOUND);

  health_.set_status("chatterbox.turbo", true);
  health_.set_status("", true);
  ASSERT_TRUE(check("chatterbox.turbo", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  ASSERT_TRUE(check("", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);

  health_.set_all(false);
  ASSERT_TRUE(check("chatterbox.turbo", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);

  health_.set_all(true);
  health_.shutdown();  // frozen at NOT_SERVING
  health_.set_status("", true);
  ASSERT_TRUE(check("", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, WatchSendsTheCurrentStatusThenEveryChange) {
  grpc::ClientContext context;
  auto reader = watch("chatterbox.turbo", context);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);

  health_.set_status("chatterbox.turbo", false);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  health_.set_status("", true);                   // another service: nothing sent
  health_.set_status("chatterbox.turbo", false);  // no change: nothing sent
  health_.set_status("chatterbox.turbo", true);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  health_.shutdown();
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(HealthServiceTest, WatchEndsWhenTheClientCancels) {
  grpc::ClientContext context;
  HealthCheckRequest request;
  auto reader = stub_->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  context.TryCancel();
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server-side watch notices within its poll interval; shutdown in TearDown must not hang.
}

// The server's readiness changes without anyone calling set_status in between: a followed
// source is what Check and Watch answer, so gRPC never lags HTTP's /ready.
TEST_F(HealthServiceTest, AFollowedSourceIsAnsweredAtOnce) {
  std::atomic<bool> ready{false};
  health_.set_status("chatterbox.turbo", false);
  health_.follow([&ready](const std::string& service) {
    return service == "chatterbox.turbo" && ready.load();
  });
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(check("chatterbox.turbo", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
  ready = true;
  ASSERT_TRUE(check("chatterbox.turbo", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING) << "no set_status needed";
  ASSERT_TRUE(check("", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING) << "the source answers every service";
  EXPECT_EQ(check("chatterbox.nano", &status).error_code(), grpc::StatusCode::NOT_FOUND)
      << "a service stays unknown until it is set";

  grpc::ClientContext context;
  auto reader = watch("chatterbox.turbo", context);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  ready = false;  // nobody notifies: the watch's next look sees it
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);

  health_.shutdown();
  ready = true;
  ASSERT_TRUE(check("chatterbox.turbo", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING) << "shutdown outranks the source";
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
}

}  // namespace
}  // namespace chatterbox::server
