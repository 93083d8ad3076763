#include "objects/artifact_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "support/test_util.h"
#include "util/fault_injection_env.h"
#include "util/sha256.h"

namespace n4a::objects {
namespace {

using testing::TempDir;

constexpr int64_t kHour = int64_t{3600} * 1000000;

// A SequentialFile producing `size` deterministic bytes without holding them.
class PatternSource final : public SequentialFile {
 public:
  explicit PatternSource(uint64_t size) : size_(size) {}
  Result<size_t> read(size_t n, char* scratch) override {
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos_));
    for (size_t i = 0; i < k; ++i) scratch[i] = static_cast<char>((pos_ + i) * 2654435761u >> 13);
    pos_ += k;
    return k;
  }

 private:
  uint64_t size_;
  uint64_t pos_ = 0;
};

std::string SourceHash(uint64_t size) {
  PatternSource src(size);
  Sha256 sha;
  std::string buf(1 << 20, '\0');
  while (size_t n = *src.read(buf.size(), buf.data())) sha.Update(buf.data(), n);
  return sha.FinishHex();
}

void FlipByte(const std::string& path, size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x01));
}

TEST(ArtifactStoreTest, SameBytesGiveSameIdAndOneFile) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  auto a = store.put("fitted model bytes", "n4aop");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->newly_written);
  EXPECT_EQ(a->hash, Sha256Hex("fitted model bytes"));
  EXPECT_EQ(a->relative_path, "artifacts/" + a->hash.substr(0, 2) + "/" + a->hash + ".n4aop");
  EXPECT_EQ(a->size_bytes, 18u);
  auto b = store.put("fitted model bytes", "n4aop");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->newly_written);
  EXPECT_EQ(b->hash, a->hash);
  auto files = store.list_files();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].relative_path, a->relative_path);
  EXPECT_EQ(*store.read_verified(a->hash, "n4aop"), "fitted model bytes");
  EXPECT_EQ(*store.path_for(a->hash, "n4aop"), dir.str() + "/" + a->relative_path);
}

TEST(ArtifactStoreTest, WrongSizedExistingFileIsReplaced) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  auto a = store.put("0123456789", "bin");
  ASSERT_TRUE(a.ok());
  std::filesystem::resize_file(dir / a->relative_path, 4);  // torn by someone else
  auto b = store.put("0123456789", "bin");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->newly_written);
  EXPECT_EQ(*store.read_verified(a->hash, "bin"), "0123456789");
}

// A batched put interrupted by a crash before its sync can leave the right
// size and the wrong bytes under the object's name; a dedup hit must not
// trust such a file, whether the new put is batched or durable.
TEST(ArtifactStoreTest, SameSizedDamagedFileIsReplacedNotReused) {
  for (Publish publish : {Publish::kBatched, Publish::kDurable}) {
    TempDir dir;
    ArtifactStore store(Env::Default(), dir.str());
    auto a = store.put("0123456789", "bin", Publish::kBatched);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*store.read_verified(a->hash, "bin"), "0123456789");
    FlipByte(dir.str() + "/" + a->relative_path, 3);
    auto b = store.put("0123456789", "bin", publish);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b->newly_written);
    EXPECT_EQ(*store.read_verified(a->hash, "bin"), "0123456789");
    auto files = store.list_files();
    ASSERT_TRUE(files.ok());
    EXPECT_EQ(files->size(), 1u);  // no temp left behind
  }
}

TEST(ArtifactStoreTest, FlippedByteIsCorruptionNamingTheFile) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  auto a = store.put(std::string(4096, 'x'), "bin");
  ASSERT_TRUE(a.ok());
  FlipByte((dir / a->relative_path).string(), 1000);
  auto r = store.read_verified(a->hash, "bin");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find(a->relative_path), std::string::npos);
  EXPECT_TRUE(store.read_verified_path(a->relative_path).status().IsCorruption());
  EXPECT_TRUE(store.verify(a->relative_path, a->hash).IsCorruption());
}

TEST(ArtifactStoreTest, MissingIsNotFoundAndBadNamesAreRejected) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  std::string h = Sha256Hex("absent");
  EXPECT_TRUE(store.read_verified(h, "bin").status().IsNotFound());
  EXPECT_TRUE(store.verify("artifacts/aa/none.bin", h).IsNotFound());
  EXPECT_TRUE(store.put("x", "").status().IsInvalidArgument());
  EXPECT_TRUE(store.put("x", "BIN").status().IsInvalidArgument());
  EXPECT_TRUE(store.put("x", "../x").status().IsInvalidArgument());
  EXPECT_TRUE(store.read_verified("zz", "bin").status().IsInvalidArgument());
  EXPECT_TRUE(store.read_verified_path("artifacts/../../etc/passwd").status().IsInvalidArgument());
}

TEST(ArtifactStoreTest, StreamsA64MBObject) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  constexpr uint64_t kSize = uint64_t{64} << 20;
  PatternSource src(kSize);
  auto a = store.put_stream(src, "bin");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->newly_written);
  EXPECT_EQ(a->hash, SourceHash(kSize));
  EXPECT_EQ(a->size_bytes, kSize);
  EXPECT_EQ(std::filesystem::file_size(dir / a->relative_path), kSize);
  EXPECT_TRUE(store.verify(a->relative_path, a->hash).ok());
  PatternSource again(kSize);
  auto b = store.put_stream(again, "bin");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->newly_written);
  EXPECT_EQ(store.list_files()->size(), 1u);  // the second temp was dropped
}

TEST(ArtifactStoreTest, LargePutWritesWhileHashingAndDedupCancelsTheWrite) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  PatternSource src(20 << 20);
  std::string bytes(20 << 20, '\0');
  ASSERT_EQ(*src.read(bytes.size(), bytes.data()), bytes.size());
  auto a = store.put(bytes, "bin");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->newly_written);
  EXPECT_EQ(a->hash, Sha256Hex(bytes));
  EXPECT_EQ(*store.read_verified(a->hash, "bin"), bytes);
  auto b = store.put(bytes, "bin");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->newly_written);
  EXPECT_EQ(b->relative_path, a->relative_path);
  EXPECT_EQ(store.list_files()->size(), 1u);  // the cancelled temp is gone
}

TEST(ArtifactStoreTest, StreamedAndInMemoryPutsAgree) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  PatternSource src(3 << 20);
  auto a = store.put_stream(src, "bin");
  ASSERT_TRUE(a.ok());
  auto bytes = store.read_verified(a->hash, "bin");
  ASSERT_TRUE(bytes.ok());
  auto b = store.put(*bytes, "bin");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->hash, a->hash);
  EXPECT_FALSE(b->newly_written);
}

// --- Fault injection: every write path fails cleanly.

enum class PutKind { kBytes, kLargeBytes, kStream };

struct Fault {
  const char* name;
  void (*arm)(FaultInjectionEnv&);
};

const Fault kFaults[] = {
    {"write", [](FaultInjectionEnv& e) { e.fail_next_write(); }},
    {"sync", [](FaultInjectionEnv& e) { e.fail_next_sync(); }},
    {"rename", [](FaultInjectionEnv& e) { e.fail_next_rename(); }},
    {"disk_full", [](FaultInjectionEnv& e) { e.set_disk_full(true); }},
};

class ArtifactFaultTest : public ::testing::TestWithParam<std::tuple<Fault, PutKind>> {};

TEST_P(ArtifactFaultTest, FailureLeavesNoFinalFileAndNoTemp) {
  auto [fault, kind] = GetParam();
  TempDir dir;
  FaultInjectionEnv env;
  ArtifactStore store(&env, dir.str());
  const uint64_t kSize = kind == PutKind::kLargeBytes ? (12 << 20) : (3 << 20);
  std::string hash = SourceHash(kSize);
  // The shard exists, so the fault hits the object's own write path.
  ASSERT_TRUE(env.create_dirs(dir.str() + "/artifacts/" + hash.substr(0, 2)).ok());
  fault.arm(env);
  Result<PutResult> r = Status::Internal("not run");
  if (kind == PutKind::kStream) {
    PatternSource src(kSize);
    r = store.put_stream(src, "bin");
  } else {
    PatternSource src(kSize);
    std::string bytes(kSize, '\0');
    ASSERT_EQ(*src.read(kSize, bytes.data()), kSize);
    r = store.put(bytes, "bin");
  }
  EXPECT_FALSE(r.ok()) << fault.name;
  auto files = store.list_files();
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty()) << fault.name << ": " << (*files)[0].relative_path;
  env.set_disk_full(false);
  PatternSource src(kSize);
  auto retry = store.put_stream(src, "bin");
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(retry->hash, hash);
}

std::string FaultTestName(const ::testing::TestParamInfo<std::tuple<Fault, PutKind>>& info) {
  static const char* const kKindNames[] = {"_bytes", "_large_bytes", "_stream"};
  return std::string(std::get<0>(info.param).name) +
         kKindNames[static_cast<int>(std::get<1>(info.param))];
}

INSTANTIATE_TEST_SUITE_P(AllFaults, ArtifactFaultTest,
                         ::testing::Combine(::testing::ValuesIn(kFaults),
                                            ::testing::Values(PutKind::kBytes, PutKind::kLargeBytes,
                                                              PutKind::kStream)),
                         FaultTestName);

TEST(ArtifactStoreTest, FailedFolderCreationOnFullDiskWritesNothing) {
  TempDir dir;
  FaultInjectionEnv env;
  ArtifactStore store(&env, dir.str());
  env.set_disk_full(true);
  EXPECT_FALSE(store.put("abc", "bin").ok());
  env.set_disk_full(false);
  auto files = store.list_files();
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

// --- Sweep.

TEST(ArtifactSweepTest, RespectsGracePeriodLiveSetAndRemovesStaleTemps) {
  TempDir dir;
  FaultInjectionEnv env;
  ArtifactStore store(&env, dir.str());
  auto live = store.put("live", "bin");
  auto dead = store.put("dead", "json");
  ASSERT_TRUE(live.ok() && dead.ok());
  std::string temp = dir.str() + "/artifacts/stream.tmp.123.456";
  std::ofstream(temp) << "half";
  std::unordered_set<std::string> live_set{live->relative_path};

  // Just written: everything is younger than the grace period.
  env.set_now_micros(Env::Default()->now_micros());
  auto young = store.sweep(live_set, kHour, DryRun::kNo);
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(young->files_removed, 0);
  EXPECT_EQ(young->files_too_young, 2);
  EXPECT_EQ(store.list_files()->size(), 3u);

  env.advance_clock_micros(2 * kHour);
  auto dry = store.sweep(live_set, kHour, DryRun::kYes);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->files_removed, 2);
  EXPECT_EQ(store.list_files()->size(), 3u);  // a dry run deletes nothing

  auto swept = store.sweep(live_set, kHour, DryRun::kNo);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->files_removed, 2);
  EXPECT_EQ(swept->bytes_freed, 4u + 4u);
  EXPECT_TRUE(swept->errors.empty());
  std::vector<std::string> expected{"artifacts/stream.tmp.123.456", dead->relative_path};
  std::sort(expected.begin(), expected.end());
  auto removed = swept->removed_paths;
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, expected);
  auto files = store.list_files();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].relative_path, live->relative_path);
  EXPECT_TRUE(store.read_verified(live->hash, "bin").ok());
}

// A dedup hit on an old file is announced in flight before the file is
// checked: a sweep with any grace period, 0 included, keeps it while its
// writer lives, and takes it once the writer is gone.
TEST(ArtifactSweepTest, ADedupHitIsInFlightWhateverItsAge) {
  TempDir dir;
  FaultInjectionEnv env;
  auto a = ArtifactStore(&env, dir.str()).put("reused", "bin");  // an earlier writer's
  ASSERT_TRUE(a.ok());
  std::filesystem::last_write_time(
      dir / a->relative_path,
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(5));
  auto writer = std::make_unique<InFlight>(&env, dir.str(), kHour);
  ArtifactStore store(&env, dir.str(), writer.get());
  ASSERT_FALSE(store.put("reused", "bin")->newly_written);  // in flight, not yet in the catalog
  auto sweep = [&] {
    auto lock = InFlight::LockForSweep(&env, dir.str(), kHour);
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    auto in_flight = InFlight::ReadLive(&env, dir.str());
    EXPECT_TRUE(in_flight.ok()) << in_flight.status().ToString();
    return store.sweep({}, 0, DryRun::kNo, &*in_flight);
  };
  auto kept = sweep();
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->files_removed, 0);
  EXPECT_TRUE(store.read_verified(a->hash, "bin").ok());
  writer.reset();  // the writer ends without committing: its files are garbage
  auto swept = sweep();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->files_removed, 1);
  EXPECT_FALSE(std::filesystem::exists(dir / a->relative_path));
}

// What a writer releases (its commit references it) is no longer in flight;
// the temp files of a live writer are, those of a dead process are not.
TEST(ArtifactSweepTest, ReleasedFilesAndDeadWritersTempsAreNotInFlight) {
  TempDir dir;
  Env* env = Env::Default();
  InFlight writer(env, dir.str(), kHour);
  ArtifactStore store(env, dir.str(), &writer);
  auto kept = store.put("kept", "bin");
  auto released = store.put("released", "bin");
  ASSERT_TRUE(kept.ok() && released.ok());
  ASSERT_TRUE(writer.release({&released->relative_path, 1}).ok());
  const std::string mine = "artifacts/put.tmp." + std::to_string(::getpid()) + ".1";
  const std::string dead = "artifacts/put.tmp.999999999.2";
  for (const std::string& temp : {mine, dead}) std::ofstream(dir / temp) << "partial";
  auto lock = InFlight::LockForSweep(env, dir.str(), kHour);
  ASSERT_TRUE(lock.ok());
  auto in_flight = InFlight::ReadLive(env, dir.str());
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  EXPECT_EQ(in_flight->paths, std::unordered_set<std::string>{kept->relative_path});
  auto swept = store.sweep({}, 0, DryRun::kNo, &*in_flight);
  ASSERT_TRUE(swept.ok());
  auto removed = swept->removed_paths;
  std::sort(removed.begin(), removed.end());
  std::vector<std::string> expected{dead, released->relative_path};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(removed, expected);
  EXPECT_TRUE(std::filesystem::exists(dir / mine));
}

TEST(ArtifactSweepTest, MissingFolderIsEmpty) {
  TempDir dir;
  ArtifactStore store(Env::Default(), dir.str());
  auto swept = store.sweep({}, 0, DryRun::kNo);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->files_scanned, 0);
}

}  // namespace
}  // namespace n4a::objects
