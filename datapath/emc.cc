#include "datapath/emc.h"

#include <bit>

namespace ofkit::dp {

ExactMatchCache::ExactMatchCache(size_t entries)
    : entries_(std::bit_ceil(entries < 2 ? size_t{2} : entries)), mask_(entries_.size() - 1) {}

void ExactMatchCache::clear() {
  for (Entry& e : entries_) e = Entry{};
}

}  // namespace ofkit::dp
