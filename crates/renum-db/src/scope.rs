//! `OrgScope`: the only key to tenant tables.

use crate::ids::OrganizationId;

/// Proof that the caller acts for one organization. Every tenant repository takes one and
/// binds its id into every statement, so a query on a tenant table without
/// `organization_id` cannot be written through the data layer.
///
/// Built from an authenticated session, a claimed job, or an operator command that names
/// the organization explicitly; never from a request body or path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrgScope {
    organization_id: OrganizationId,
}

impl OrgScope {
    /// Callers: session authentication, job claims, signup (the organization it just
    /// created) and operator tools. Request handlers must not call this with ids they
    /// received from the client.
    pub fn trusted(organization_id: OrganizationId) -> Self {
        Self { organization_id }
    }

    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }
}
