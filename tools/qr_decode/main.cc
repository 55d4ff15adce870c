// qrcloud-qr-decode: reads a PNG or JPEG on standard input and prints the
// codes in it, one "<format>\t<base64 text>" line each. Exit 0 with the
// results, 2 if the bytes are not an image it can read. Services run it as a
// child process so that a decoder crash on a hostile image ends only this
// process (libs/qr/isolated_decoder.h).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "libs/qr/decoder.h"
#include "libs/qr/isolated_decoder.h"

int main() {
  std::string input;
  char buf[65536];
  ssize_t n;
  while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) input.append(buf, static_cast<size_t>(n));
  auto codes = qrcloud::qr::Decode(input);
  if (!codes.ok()) return 2;
  const std::string out = qrcloud::qr::FormatDecoded(*codes);
  fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
