// src/org/org_pages.h — the registry's HTML pages: institutions and organizations lists,
// record pages, create/edit forms (errors beside fields, nothing typed lost), the expiring
// authorizations list and the CSV import page.
#pragma once

#include <memory>

#include "org/org_service.h"
#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::org {

void register_page_routes(http::Router& router, const web::ModuleContext& ctx,
                          std::shared_ptr<OrgService> service);

}  // namespace jisr::org
