// The Catch2 main shared by every test binary (compiled once).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "absl/synchronization/mutex.h"

int main(int argc, char* argv[]) {
  // Tests keep Abseil's mutex deadlock detection on (Debian's default):
  // a lock-order cycle in a test aborts it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kAbort);
  return Catch::Session().run(argc, argv);
}
