#include "services/personal/mysql_profile_store.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::personal {

absl::StatusOr<std::optional<v1::Profile>> MysqlProfileStore::Get(store::Tx& tx,
                                                                  absl::string_view account_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT * FROM profiles WHERE account_id = ? FOR UPDATE",
                                    {std::string(account_id)}));
  if (rows.empty()) return std::nullopt;
  const store::Row& r = rows.front();
  v1::Profile p;
  for (absl::string_view i : absl::StrSplit(r.String("interests"), '\n', absl::SkipEmpty())) {
    p.add_interests(std::string(i));
  }
  p.set_nickname(r.String("nickname"));
  if (!r.IsNull("lat")) {
    p.mutable_location()->set_lat(r.Double("lat"));
    p.mutable_location()->set_lng(r.Double("lng"));
    p.set_live(r.Bool("live"));
    p.set_precision_m(static_cast<int32_t>(r.Int("precision_m")));
    core::ToProto(r.Time("location_time"), p.mutable_location_time());
  }
  return p;
}

absl::Status MysqlProfileStore::Put(store::Tx& tx, absl::string_view account_id,
                                    const v1::Profile& p) {
  const bool located = p.has_location();
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO profiles (account_id, interests, lat, lng, live, precision_m, "
          "location_time, nickname) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
          "interests = VALUES(interests), lat = VALUES(lat), lng = VALUES(lng), live = "
          "VALUES(live), precision_m = VALUES(precision_m), location_time = "
          "VALUES(location_time), nickname = VALUES(nickname)",
          {std::string(account_id), absl::StrJoin(p.interests(), "\n"),
           located ? store::Value(p.location().lat()) : store::Value(nullptr),
           located ? store::Value(p.location().lng()) : store::Value(nullptr), p.live(),
           static_cast<int64_t>(p.precision_m()),
           located ? store::Value(core::FromProto(p.location_time())) : store::Value(nullptr),
           p.nickname()})
      .status();
}

}  // namespace qrcloud::personal
