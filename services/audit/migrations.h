// The audit service's migrations (migrations/*.sql, compiled in).
#ifndef QRCLOUD_SERVICES_AUDIT_MIGRATIONS_H_
#define QRCLOUD_SERVICES_AUDIT_MIGRATIONS_H_

#include <vector>

#include "libs/store/migrations.h"

namespace qrcloud::audit {

std::vector<store::Migration> Migrations();

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_MIGRATIONS_H_
