#pragma once
// The read endpoint for a device's witnessed chain heads (central_chain_head.cpp), kept apart
// from central_server.cpp, which routes it with one line.

#include <string>

namespace doorpost::sync::central {

class CentralStore;
struct HttpRequest;
struct HttpResponse;

// GET /v1/devices/{device}/chain-head[?epoch=E[&seq=N]].
void serveChainHead(CentralStore& store, const HttpRequest& req, HttpResponse& res,
                    const std::string& device);

} // namespace doorpost::sync::central
