#include "util/strict_json.h"

#include <fmt/format.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace n4a {
namespace {

using Json = nlohmann::json;
using Event = Json::parse_event_t;

// Thrown from the parser callback to stop parsing at the first problem.
struct StrictJsonError {
  std::string message;
};

// Follows the parser's events (nlohmann calls the callback for every key,
// container start and end, and primitive value) to know the path of the
// value being parsed, the keys seen in each open object, and the depth.
class PathTracker {
 public:
  explicit PathTracker(int max_depth) : max_depth_(max_depth) {}

  bool on_event(Event event, const Json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start: open(event == Event::object_start); break;
      case Event::key: key(parsed.get<std::string>()); break;
      case Event::object_end:
      case Event::array_end: frames_.pop_back(); break;
      case Event::value: next_element(); break;
    }
    return true;  // keep everything
  }

 private:
  struct Frame {
    bool object = false;
    int64_t index = -1;  // arrays: the element being parsed
    std::string key;     // objects: the member being parsed
    std::set<std::string> keys;
  };

  void open(bool object) {
    next_element();
    if (static_cast<int>(frames_.size()) >= max_depth_) {
      throw StrictJsonError{
          fmt::format("{}: nested more than {} levels deep", path_or_root(), max_depth_)};
    }
    frames_.push_back(Frame{object, -1, {}, {}});
  }
  void key(const std::string& name) {
    Frame& top = frames_.back();
    top.key = name;
    if (!top.keys.insert(name).second) {
      throw StrictJsonError{fmt::format(
          "{}: duplicate key (an object may name a key only once; which value was meant?)",
          path())};
    }
  }
  // A value begins: in an array, it is the next element.
  void next_element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }
  std::string path() const {
    std::string out;
    for (const Frame& f : frames_) {
      if (!f.object) {
        out += fmt::format("[{}]", f.index);
      } else {
        out += out.empty() ? f.key : "." + f.key;
      }
    }
    return out;
  }
  std::string path_or_root() const {
    std::string p = path();
    return p.empty() ? "(document)" : p;
  }

  int max_depth_;
  std::vector<Frame> frames_;
};

}  // namespace

Result<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth) {
  PathTracker tracker(max_depth);
  try {
    return Json::parse(
        text, [&](int, Event event, Json& parsed) { return tracker.on_event(event, parsed); });
  } catch (const StrictJsonError& e) {
    return Status::InvalidArgument(e.message);
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(fmt::format("not valid JSON: {}", e.what()));
  }
}

}  // namespace n4a
