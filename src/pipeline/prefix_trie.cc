#include "pipeline/prefix_trie.h"

#include <algorithm>
#include <map>
#include <string>

namespace n4a::pipeline {

PrefixTrie::PrefixTrie(const std::vector<Variant>& variants) {
  nodes_.emplace_back();
  nodes_[0].first_variant = variants.empty() ? 0 : variants.front().index;
  std::map<std::pair<size_t, std::string>, size_t> index;
  for (const Variant& v : variants) {
    size_t at = 0;
    for (size_t s = 0; s < v.transform_count(); ++s) {
      auto key = std::make_pair(at, v.steps[s].key());
      auto it = index.find(key);
      if (it == index.end()) {
        TrieNode n;
        n.parent = at;
        n.depth = nodes_[at].depth + 1;
        n.step = &v.steps[s];
        n.first_variant = v.index;
        nodes_.push_back(n);
        nodes_[at].children.push_back(nodes_.size() - 1);
        it = index.emplace(key, nodes_.size() - 1).first;
      }
      at = it->second;
      nodes_[at].first_variant = std::min(nodes_[at].first_variant, v.index);
    }
    nodes_[at].variants.push_back(leaf_of_.size());
    leaf_of_.push_back(at);
  }
}

std::vector<size_t> PrefixTrie::path_of(size_t variant) const {
  std::vector<size_t> path;
  for (size_t at = leaf_of_[variant]; at != 0; at = nodes_[at].parent) path.push_back(at);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace n4a::pipeline
