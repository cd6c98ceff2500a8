//! The OpenAPI 3 document, generated from the handlers' annotations (`GET /openapi.json`).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "renum API", description = "Organizations, members, videos, clips and scheduled posts."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::api_logs::list,
        routes::auth::signup,
        routes::auth::signin,
        routes::auth::signout,
        routes::auth::signout_all,
        routes::me::me,
        routes::organization::get,
        routes::organization::update,
        routes::organization::delete,
        routes::organization::members,
        routes::organization::add_member,
        routes::organization::set_role,
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
    modifiers(&BearerAuth)
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

pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
