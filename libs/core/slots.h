// A fixed number of slots for work that is costly in CPU or memory (a
// sticker sheet, a photo decode): a call takes a slot or is told at once
// that none is free, so a burst waits at the client (RESOURCE_EXHAUSTED with
// a retry delay) instead of piling onto the cores.
#ifndef QRCLOUD_LIBS_CORE_SLOTS_H_
#define QRCLOUD_LIBS_CORE_SLOTS_H_

#include <optional>

#include "absl/synchronization/mutex.h"

namespace qrcloud::core {

class Slots {
 public:
  // Held while the work runs; the slot is free again when it is destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : slots_(other.slots_) { other.slots_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (slots_ != nullptr) slots_->Release();
    }

   private:
    friend class Slots;
    explicit Ticket(Slots* slots) : slots_(slots) {}
    Slots* slots_;
  };

  explicit Slots(int capacity) : capacity_(capacity) {}
  Slots(const Slots&) = delete;
  Slots& operator=(const Slots&) = delete;

  // A ticket, or nothing when all `capacity` slots are taken.
  std::optional<Ticket> TryTake() {
    absl::MutexLock lock(&mu_);
    if (taken_ >= capacity_) return std::nullopt;
    ++taken_;
    return Ticket(this);
  }

  int taken() const {
    absl::MutexLock lock(&mu_);
    return taken_;
  }

 private:
  void Release() {
    absl::MutexLock lock(&mu_);
    --taken_;
  }

  const int capacity_;
  mutable absl::Mutex mu_;
  int taken_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_SLOTS_H_
