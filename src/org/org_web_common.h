// src/org/org_web_common.h — what the API and the pages of the registry share: reading
// filters and sort from a query string, and the export response.
#pragma once

#include <optional>
#include <string>

#include "access/principal.h"
#include "org/org_service.h"
#include "platform/http/request.h"
#include "platform/http/response.h"
#include "platform/web/module.h"

namespace jisr::org {

// Reads kind, province, region, category, authorization_status and q. Throws BadRequest
// naming the parameter for a value outside its vocabulary.
OrgFilter filter_from_query(const http::Request& r);
// Reads ?sort= (name, province, capacity, expiry, optionally prefixed by '-'); BadRequest.
Sort sort_from_query(const http::Request& r);
// Decodes ?cursor= into the position after which a page starts; BadRequest when invalid.
std::optional<After> after_from_query(const http::Request& r);
std::string cursor_of(const Listed& last);

// The export of the filtered list as ?format=csv|xlsx, with its audit entry. Needs the
// export permission (Forbidden).
http::Response export_response(OrgService& service, const web::ModuleContext& ctx,
                               const http::Request& r, const OrgFilter& filter, const Sort& sort,
                               const std::string& file_stem);

}  // namespace jisr::org
