// src/app/migrations.cc
#include "app/migrations.h"

#include <set>
#include <stdexcept>

#include "platform/util/embedded.h"
#include "territory/territory.h"

namespace jisr::app {

std::vector<db::Migration> all_migrations() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : embedded_files()) {
    if (f.path.rfind("migrations/", 0) == 0) files.emplace_back(f.path, f.content);
  }
  auto out = db::migrations_from_files(files);
  for (auto& m : territory::code_migrations()) out.push_back(std::move(m));
  std::set<int> versions;
  for (const auto& m : out) {
    if (!versions.insert(m.version).second) {
      throw std::invalid_argument("two migrations claim version " + std::to_string(m.version));
    }
  }
  return out;
}

}  // namespace jisr::app
