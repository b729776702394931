#pragma once
// The read endpoint for a device's witnessed chain heads (central_chain_head.cpp), kept apart
// from central_server.cpp, which registers it with one line.

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace doorpost::sync::central {

class CentralStore;

// GET /v1/devices/{id}/chain-head[?epoch=E[&seq=N]]; req.matches[1] is the device id.
void serveChainHead(CentralStore& store, const httplib::Request& req, httplib::Response& res);

} // namespace doorpost::sync::central
