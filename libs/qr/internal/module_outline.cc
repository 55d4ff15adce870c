#include "libs/qr/internal/module_outline.h"

#include <cstdint>

namespace qrcloud::qr::internal {
namespace {

// Directions of a boundary edge, clockwise from "right" (y grows down).
enum Direction : int { kRight = 0, kDown = 1, kLeft = 2, kUp = 3 };
constexpr int kDx[] = {1, 0, -1, 0};
constexpr int kDy[] = {0, 1, 0, -1};

class Outliner {
 public:
  Outliner(const Matrix& matrix, const std::optional<LogoArea>& logo)
      : n_(matrix.size()), edges_((n_ + 1) * (n_ + 1), 0) {
    for (int y = 0; y < n_; ++y) {
      for (int x = 0; x < n_; ++x) dark_.push_back(matrix.dark(x, y) && !UnderLogo(logo, x, y));
    }
    CollectEdges();
  }

  std::vector<std::vector<GridPoint>> Trace() {
    std::vector<std::vector<GridPoint>> polygons;
    for (int v = 0; v < static_cast<int>(edges_.size()); ++v) {
      while (edges_[v] != 0) polygons.push_back(TraceFrom(v));
    }
    return polygons;
  }

 private:
  bool Dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < n_ && y < n_ && dark_[y * n_ + x];
  }
  int Vertex(int x, int y) const { return y * (n_ + 1) + x; }
  void Add(int x, int y, Direction d) { edges_[Vertex(x, y)] |= 1 << d; }

  // Each dark module contributes the sides that face a light module, as
  // clockwise edges; sides shared by two dark modules cancel out.
  void CollectEdges() {
    for (int y = 0; y < n_; ++y) {
      for (int x = 0; x < n_; ++x) {
        if (!Dark(x, y)) continue;
        if (!Dark(x, y - 1)) Add(x, y, kRight);
        if (!Dark(x + 1, y)) Add(x + 1, y, kDown);
        if (!Dark(x, y + 1)) Add(x + 1, y + 1, kLeft);
        if (!Dark(x - 1, y)) Add(x, y + 1, kUp);
      }
    }
  }

  // Follows edges from vertex `start` until the loop closes, consuming them.
  // Where two regions touch only at a corner a vertex has two ways out;
  // turning right first keeps the regions apart.
  std::vector<GridPoint> TraceFrom(int start) {
    std::vector<GridPoint> polygon;
    int x = start % (n_ + 1), y = start / (n_ + 1);
    int heading = -1;
    do {
      int direction = NextDirection(Vertex(x, y), heading);
      edges_[Vertex(x, y)] &= static_cast<uint8_t>(~(1 << direction));
      if (direction != heading) polygon.push_back({x, y});
      heading = direction;
      x += kDx[direction];
      y += kDy[direction];
    } while (Vertex(x, y) != start);
    return polygon;
  }

  int NextDirection(int vertex, int heading) const {
    uint8_t out = edges_[vertex];
    if (heading < 0) {
      for (int d = 0; d < 4; ++d) {
        if (out & (1 << d)) return d;
      }
    }
    for (int turn : {1, 0, 3}) {  // right, straight on, left
      int d = (heading + turn) % 4;
      if (out & (1 << d)) return d;
    }
    return heading;  // unreachable: every vertex on a loop has a way out
  }

  int n_;
  std::vector<bool> dark_;
  std::vector<uint8_t> edges_;  // per vertex, a bit per outgoing Direction
};

}  // namespace

std::vector<std::vector<GridPoint>> TraceOutlines(const Matrix& matrix,
                                                  const std::optional<LogoArea>& logo) {
  return Outliner(matrix, logo).Trace();
}

}  // namespace qrcloud::qr::internal
