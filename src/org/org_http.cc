// src/org/org_http.cc
#include "org/org_http.h"

#include <memory>

#include "org/org_api.h"
#include "org/org_pages.h"

namespace jisr::org {

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  auto service = std::make_shared<OrgService>(ctx.db);
  register_api_routes(router, ctx, service);
  register_page_routes(router, ctx, service);
}

}  // namespace jisr::org
