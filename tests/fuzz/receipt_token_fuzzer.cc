// The receipt token parser and verifier, with the key of a fixed seed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/core/receipt_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* public_key = [] {
    auto signer = qrcloud::core::ReceiptSigner::FromSeed(std::string(32, '\x07'));
    return new std::string(signer->public_key());
  }();
  const std::string token(reinterpret_cast<const char*>(data), size);
  (void)qrcloud::core::VerifyReceipt(token, *public_key);
  return 0;
}
