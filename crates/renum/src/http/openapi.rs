//! The OpenAPI 3 document, generated from the handlers' annotations (`GET /openapi.json`).
//!
//! The annotations state what is particular to a route (its success body, its 403 and 409
//! codes, its throttles); [`ErrorResponses`] adds the error answers that follow from how a
//! route is built (bearer authentication, a JSON body, query or path parameters, the `/v1`
//! request log's body buffering), so no route can forget one.

use axum::http::StatusCode;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use super::error::ErrorBody;
use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "renum API", description = "Organizations, members, videos, clips and scheduled posts."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::api_logs::list,
        routes::audit::list,
        routes::auth::signup,
        routes::auth::signin,
        routes::auth::signout,
        routes::auth::signout_all,
        routes::me::me,
        routes::me::update,
        routes::me::sessions,
        routes::me::revoke_session,
        routes::account::request_reset,
        routes::account::confirm_reset,
        routes::account::change_password,
        routes::account::verify_email,
        routes::account::resend_verification,
        routes::organization::get,
        routes::organization::update,
        routes::organization::delete,
        routes::organization::members,
        routes::organization::add_member,
        routes::organization::set_role,
        routes::invitations::invite,
        routes::invitations::list,
        routes::invitations::revoke,
        routes::invitations::accept,
        routes::organization::remove_member,
        routes::organization::put_opusclip_key,
        routes::organization::delete_opusclip_key,
        routes::videos::create,
        routes::videos::list,
        routes::videos::get,
        routes::videos::update,
        routes::videos::delete,
        routes::clips::create,
        routes::clips::get,
        routes::clips::of_video,
        routes::clips::list,
        routes::clips::webhook,
        routes::posts::create,
        routes::posts::list,
        routes::posts::get,
        routes::posts::update,
        routes::posts::cancel,
        routes::posts::retry,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &ErrorResponses)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The shared error answers, as `components.responses`: status, name, description.
const SHARED: &[(u16, &str, &str)] = &[
    (
        400,
        "BadRequest",
        "The request is refused: a body that is not JSON (`malformed_json`), a field that fails \
         validation (`invalid_field`; the message names the field) or a bad query parameter \
         (`invalid_query`).",
    ),
    (
        401,
        "Unauthorized",
        "Missing, malformed, expired or revoked bearer token (`unauthorized`).",
    ),
    (
        403,
        "Forbidden",
        "The caller's role may not do this (`forbidden`).",
    ),
    (
        404,
        "NotFound",
        "No such resource in the caller's organization (`not_found`); a malformed id is one too.",
    ),
    (
        413,
        "PayloadTooLarge",
        "The request body is larger than the server's `--body-limit` (`payload_too_large`).",
    ),
    (
        415,
        "UnsupportedMediaType",
        "The body is not sent as `Content-Type: application/json` (`unsupported_media_type`).",
    ),
    (
        429,
        "TooManyRequests",
        "Throttled (`rate_limited`): retry after the `Retry-After` header's seconds.",
    ),
    (
        500,
        "Internal",
        "An internal error (`internal`); the server logs its cause with the request id.",
    ),
];

/// Adds to every operation the error statuses its shape can produce, each with the
/// `{"error":{"code","message"}}` body, and fills in empty descriptions.
struct ErrorResponses;

impl ErrorResponses {
    /// The statuses `operation` can answer because of how the route is built.
    fn implied(path: &str, operation: &Operation) -> Vec<u16> {
        let mut statuses = Vec::new();
        let has = |place: ParameterIn| {
            operation
                .parameters
                .iter()
                .flatten()
                .any(|p| p.parameter_in == place)
        };
        if path.starts_with("/v1/") {
            // The request log buffers every `/v1` body up to the limit (even where the
            // handler reads none), and every `/v1` route reads the database.
            statuses.extend([413, 500]);
        }
        if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
            statuses.push(401);
        }
        if operation.request_body.is_some() {
            statuses.extend([400, 415]);
        }
        if has(ParameterIn::Query) {
            statuses.push(400);
        }
        if has(ParameterIn::Path) {
            statuses.push(404);
        }
        statuses
    }

    fn shared_ref(status: u16) -> Option<RefOr<Response>> {
        SHARED
            .iter()
            .find(|(s, ..)| *s == status)
            .map(|(_, name, _)| RefOr::Ref(Ref::from_response_name(*name)))
    }

    fn apply(path: &str, operation: &mut Operation) {
        let implied = Self::implied(path, operation);
        let responses = &mut operation.responses.responses;
        for status in implied {
            if let Some(shared) = Self::shared_ref(status) {
                responses.entry(status.to_string()).or_insert(shared);
            }
        }
        for (status, response) in responses.iter_mut() {
            let code: u16 = status.parse().unwrap_or(0);
            let RefOr::T(inline) = response else { continue };
            if code == 429 {
                // Every 429 carries Retry-After: the shared answer documents the header.
                *response = Self::shared_ref(429).expect("429 is shared");
            } else if inline.description.is_empty() {
                match Self::shared_ref(code) {
                    Some(shared) if code >= 400 => *response = shared,
                    _ => {
                        inline.description = StatusCode::from_u16(code)
                            .ok()
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or_default()
                            .to_owned();
                    }
                }
            }
        }
    }
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in operations_mut(item) {
                Self::apply(path, operation);
            }
        }
        let error_body = Content::new(Some(Ref::from_schema_name("ErrorBody")));
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description) in SHARED {
            let mut response = ResponseBuilder::new()
                .description(*description)
                .content("application/json", error_body.clone());
            if *status == 429 {
                let seconds = ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1));
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(seconds)
                        .description(Some("Seconds to wait before trying again."))
                        .build(),
                );
            }
            components
                .responses
                .insert((*name).to_owned(), response.build().into());
        }
    }
}

/// The document `GET /openapi.json` serves, built in process: the tooling renders the API's
/// TypeScript types (`contract/api.types.ts`) from it, so they come from the same DTOs.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(spec())
}
