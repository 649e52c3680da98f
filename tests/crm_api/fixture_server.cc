#include "fixture_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ascii.h"

namespace baton::fixture {
namespace {

struct Route {
  std::string method;
  std::string path;
  std::string param;     // "" = any query
  std::string contains;
  std::vector<FixtureResponse> script;
  std::function<FixtureResponse(const RecordedRequest&)> handler;
  size_t served = 0;
};

}  // namespace

FixtureResponse FixtureResponse::Json(std::string body, int status) {
  FixtureResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

FixtureResponse FixtureResponse::Csv(
    std::string body, std::vector<std::pair<std::string, std::string>> headers) {
  FixtureResponse r;
  r.body = std::move(body);
  r.content_type = "text/csv; charset=UTF-8";
  r.headers = std::move(headers);
  return r;
}

FixtureResponse FixtureResponse::Status(
    int status, std::vector<std::pair<std::string, std::string>> headers) {
  FixtureResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.headers = std::move(headers);
  return r;
}

std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii::EqualsIgnoreCase(k, name)) return v;
  return "";
}

std::string RecordedRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

struct FixtureServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  bool started = false;

  mutable std::mutex mu;
  std::condition_variable stop_cv;  // wakes delayed responses on Stop()
  bool stopping = false;
  std::vector<Route> routes;
  std::vector<RecordedRequest> requests;

  void Handle(const httplib::Request& req, httplib::Response& res) {
    RecordedRequest rec;
    rec.method = req.method;
    rec.path = req.path;
    size_t q = req.target.find('?');
    if (q != std::string::npos) rec.query = req.target.substr(q + 1);
    for (const auto& [k, v] : req.params) rec.params.emplace(k, v);
    for (const auto& [k, v] : req.headers) rec.headers.emplace_back(k, v);
    rec.body = req.body;

    FixtureResponse out;
    std::function<FixtureResponse(const RecordedRequest&)> handler;
    {
      std::lock_guard<std::mutex> lock(mu);
      requests.push_back(rec);
      Route* match = nullptr;
      for (Route& r : routes) {
        if (r.method != rec.method || r.path != rec.path) continue;
        if (!r.param.empty() && rec.Param(r.param).find(r.contains) == std::string::npos)
          continue;
        match = &r;
        break;
      }
      if (!match) {
        out = FixtureResponse::Json(
            "{\"fixture\":\"no route for " + rec.method + " " + rec.path + "\"}", 404);
      } else if (match->handler) {
        handler = match->handler;
      } else if (match->script.empty()) {
        out = FixtureResponse::Status(204);
      } else {
        size_t i = std::min(match->served, match->script.size() - 1);
        out = match->script[i];
      }
      if (match) ++match->served;
    }
    if (handler) out = handler(rec);
    if (out.delay_ms > 0) {
      std::unique_lock<std::mutex> lock(mu);
      stop_cv.wait_for(lock, std::chrono::milliseconds(out.delay_ms),
                       [this] { return stopping; });
    }
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(out.body, out.content_type.c_str());
  }
};

FixtureServer::FixtureServer() : impl_(std::make_unique<Impl>()) {
  // One request per connection: a kept-alive connection would hold a worker
  // thread (and Stop()) for the keep-alive timeout.
  impl_->server.set_keep_alive_max_count(1);
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    impl_->Handle(req, res);
  };
  impl_->server.Get(".*", handle);
  impl_->server.Post(".*", handle);
  impl_->server.Put(".*", handle);
  impl_->server.Patch(".*", handle);
  impl_->server.Delete(".*", handle);
}

FixtureServer::~FixtureServer() { Stop(); }

bool FixtureServer::Start(std::string* error) {
  if (impl_->started) return true;
  impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
  if (impl_->port <= 0) {
    if (error) *error = "fixture server: could not bind a port on 127.0.0.1";
    return false;
  }
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // Connections are accepted once the listen loop runs; wait for it briefly.
  for (int i = 0; i < 500 && !impl_->server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return true;
}

void FixtureServer::Stop() {
  if (!impl_->started) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->started = false;
}

int FixtureServer::port() const { return impl_->port; }

std::string FixtureServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void FixtureServer::On(const std::string& method, const std::string& path,
                       std::vector<FixtureResponse> responses) {
  // An empty param matches any query.
  OnParam(method, path, "", "", std::move(responses));
}

void FixtureServer::OnParam(const std::string& method, const std::string& path,
                            const std::string& param, const std::string& contains,
                            std::vector<FixtureResponse> responses) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Route r;
  r.method = method;
  r.path = path;
  r.param = param;
  r.contains = contains;
  r.script = std::move(responses);
  impl_->routes.push_back(std::move(r));
}

void FixtureServer::OnHandler(const std::string& method, const std::string& path,
                              std::function<FixtureResponse(const RecordedRequest&)> handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Route r;
  r.method = method;
  r.path = path;
  r.handler = std::move(handler);
  impl_->routes.push_back(std::move(r));
}

std::vector<RecordedRequest> FixtureServer::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

std::vector<RecordedRequest> FixtureServer::Requests(const std::string& method,
                                                     const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<RecordedRequest> out;
  for (const auto& r : impl_->requests)
    if (r.method == method && r.path == path) out.push_back(r);
  return out;
}

size_t FixtureServer::Count(const std::string& method, const std::string& path) const {
  return Requests(method, path).size();
}

void FixtureServer::ClearRequests() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->requests.clear();
}

}  // namespace baton::fixture
