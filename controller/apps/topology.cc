#include "controller/apps/topology.h"

#include <deque>

#include <fmt/format.h>

namespace ofkit::ctl {

std::string Link::to_string() const {
  return fmt::format("{:016x}.{} -> {:016x}.{}", dpid1, port1, dpid2, port2);
}

nlohmann::json Link::to_json() const {
  return {{"dpid1", fmt::format("{:016x}", dpid1)},
          {"port1", port1},
          {"dpid2", fmt::format("{:016x}", dpid2)},
          {"port2", port2}};
}

// --- LinkDatabase -------------------------------------------------------------

bool LinkDatabase::seen(const Link& l, Clock::time_point now) {
  auto [it, fresh] = links_.try_emplace(l, now);
  if (!fresh) it->second = now;
  return fresh;
}

template <typename P>
std::vector<Link> LinkDatabase::remove_if(P pred) {
  std::vector<Link> out;
  for (auto it = links_.begin(); it != links_.end();) {
    if (pred(*it)) {
      out.push_back(it->first);
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<Link> LinkDatabase::expire(Clock::time_point now) {
  return remove_if([&](const auto& kv) { return now - kv.second > timeout_; });
}

std::vector<Link> LinkDatabase::remove_switch(uint64_t dpid) {
  return remove_if([&](const auto& kv) { return kv.first.dpid1 == dpid || kv.first.dpid2 == dpid; });
}

std::vector<Link> LinkDatabase::remove_port(uint64_t dpid, uint16_t port) {
  return remove_if([&](const auto& kv) {
    const Link& l = kv.first;
    return (l.dpid1 == dpid && l.port1 == port) || (l.dpid2 == dpid && l.port2 == port);
  });
}

std::vector<Link> LinkDatabase::links() const {
  std::vector<Link> out;
  out.reserve(links_.size());
  for (const auto& kv : links_) out.push_back(kv.first);
  return out;
}

// --- TopologyView ---------------------------------------------------------------

void TopologyView::add(const Link& l) {
  if (!links_.insert(l).second) return;
  ++switch_ports_[{l.dpid1, l.port1}];
  ++switch_ports_[{l.dpid2, l.port2}];
}

void TopologyView::remove(const Link& l) {
  if (links_.erase(l) == 0) return;
  for (PortRef p : {PortRef{l.dpid1, l.port1}, PortRef{l.dpid2, l.port2}}) {
    auto it = switch_ports_.find(p);
    if (it != switch_ports_.end() && --it->second <= 0) switch_ports_.erase(it);
  }
}

void TopologyView::clear() {
  links_.clear();
  switch_ports_.clear();
}

bool TopologyView::is_switch_port(uint64_t dpid, uint16_t port) const {
  return switch_ports_.count({dpid, port}) > 0;
}

namespace {

// Adjacency lists (ascending neighbour dpid) over the undirected edges, each
// entry oriented away from the list's owner.
std::map<uint64_t, std::map<uint64_t, Link>> adjacency(
    const std::map<std::pair<uint64_t, uint64_t>, Link>& edges, const std::set<uint64_t>* only) {
  std::map<uint64_t, std::map<uint64_t, Link>> adj;
  for (const auto& [pair, l] : edges) {
    if (only && (!only->count(l.dpid1) || !only->count(l.dpid2))) continue;
    adj[l.dpid1][l.dpid2] = l;
    adj[l.dpid2][l.dpid1] = l.reversed();
  }
  return adj;
}

}  // namespace

std::map<std::pair<uint64_t, uint64_t>, Link> undirected_edges(const std::set<Link>& links) {
  std::map<std::pair<uint64_t, uint64_t>, Link> edges;
  for (const Link& raw : links) {
    if (raw.dpid1 == raw.dpid2) continue;
    const Link l = raw.dpid1 < raw.dpid2 ? raw : raw.reversed();
    auto [it, fresh] = edges.try_emplace({l.dpid1, l.dpid2}, l);
    if (!fresh && std::pair(l.port1, l.port2) < std::pair(it->second.port1, it->second.port2)) it->second = l;
  }
  return edges;
}

std::optional<std::vector<Link>> TopologyView::shortest_path(uint64_t src, uint64_t dst) const {
  if (src == dst) return std::vector<Link>{};
  const auto adj = adjacency(undirected_edges(links_), nullptr);
  std::map<uint64_t, Link> parent;  // node -> the link that reached it
  std::deque<uint64_t> queue{src};
  std::set<uint64_t> seen{src};
  while (!queue.empty()) {
    const uint64_t u = queue.front();
    queue.pop_front();
    auto it = adj.find(u);
    if (it == adj.end()) continue;
    for (const auto& [v, l] : it->second) {
      if (!seen.insert(v).second) continue;
      parent[v] = l;
      if (v == dst) {
        std::vector<Link> path;
        for (uint64_t n = dst; n != src; n = parent[n].dpid1) path.push_back(parent[n]);
        return std::vector<Link>(path.rbegin(), path.rend());
      }
      queue.push_back(v);
    }
  }
  return std::nullopt;
}

std::set<PortRef> spanning_tree_ports(const std::set<Link>& links, const std::set<uint64_t>* only) {
  const auto adj = adjacency(undirected_edges(links), only);
  std::set<PortRef> tree;
  std::set<uint64_t> seen;
  for (const auto& [root, unused] : adj) {  // ascending dpid: each component from its lowest
    if (!seen.insert(root).second) continue;
    std::deque<uint64_t> queue{root};
    while (!queue.empty()) {
      const uint64_t u = queue.front();
      queue.pop_front();
      for (const auto& [v, l] : adj.at(u)) {
        if (!seen.insert(v).second) continue;
        tree.insert({l.dpid1, l.port1});
        tree.insert({l.dpid2, l.port2});
        queue.push_back(v);
      }
    }
  }
  return tree;
}

std::set<PortRef> link_ports(const std::set<Link>& links) {
  std::set<PortRef> out;
  for (const Link& l : links) {
    out.insert({l.dpid1, l.port1});
    out.insert({l.dpid2, l.port2});
  }
  return out;
}

}  // namespace ofkit::ctl
