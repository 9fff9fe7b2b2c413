// src/platform/web/module.h — what a domain module gets to register its routes.
#pragma once

#include "platform/db/database.h"
#include "platform/http/router.h"
#include "platform/i18n/catalog.h"
#include "platform/web/page.h"

namespace jisr::web {

struct ModuleContext {
  db::Database& db;
  const PageRenderer& pages;
  const i18n::Catalogs& catalogs;
};

}  // namespace jisr::web
