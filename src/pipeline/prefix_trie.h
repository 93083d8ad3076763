// The prefix trie of a sweep: variants that start with the same transforms
// share the nodes of those transforms, so each distinct (prefix, fold) is
// fitted and applied once. Node 0 is the root (no transform); a variant's
// model hangs from the node of its last transform. Immutable once built.
#pragma once

#include <cstddef>
#include <vector>

#include "pipeline/variant.h"

namespace n4a::pipeline {

struct TrieNode {
  size_t parent = 0;                 // the root is its own parent
  size_t depth = 0;                  // number of transforms from the root
  const StepConfig* step = nullptr;  // null for the root
  std::vector<size_t> children;      // node indices
  std::vector<size_t> variants;      // variants whose transforms end here
  size_t first_variant = 0;          // smallest variant index in the subtree
};

class PrefixTrie {
 public:
  // Builds the trie; `variants` must outlive it (steps are referenced).
  explicit PrefixTrie(const std::vector<Variant>& variants);

  const std::vector<TrieNode>& nodes() const { return nodes_; }
  const TrieNode& node(size_t i) const { return nodes_[i]; }
  // The node of variant v's last transform (0 without transforms).
  size_t leaf_of(size_t variant) const { return leaf_of_[variant]; }
  // The nodes from the first transform of variant v to its leaf (root excluded).
  std::vector<size_t> path_of(size_t variant) const;

 private:
  std::vector<TrieNode> nodes_;
  std::vector<size_t> leaf_of_;
};

}  // namespace n4a::pipeline
