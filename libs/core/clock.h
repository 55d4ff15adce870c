// An injectable clock: production code asks a Clock for the time so tests can
// move it.
#ifndef QRCLOUD_LIBS_CORE_CLOCK_H_
#define QRCLOUD_LIBS_CORE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace qrcloud::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process's real clock; lives forever.
  static Clock& Real();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1767225600))  // 2026-01-01Z
      : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

// `t` truncated to whole microseconds, the precision MySQL DATETIME(6) keeps,
// so a time written and read back compares equal.
inline absl::Time ToMicros(absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t)); }

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_CLOCK_H_
