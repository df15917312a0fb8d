//! What the build is, for the plain-Rust rooms (a leaf: the centre depends on it, and it on
//! nothing of the app's).

/// Whether this is the server build (for plain `if`s in logic and tests).
pub const SERVER_BUILD: bool = cfg!(feature = "server");

/// The router of this build's engine. The standalone demo routes in the page (the indexed
/// router). The server build's engine is a replica that only applies the server's events: the
/// reference router keeps no indices (its `observe` does nothing), and its routing code is
/// never linked, since the replica never handles an input.
#[cfg(not(feature = "server"))]
pub type AppRouter = omnidesk_core::route::IndexedRouter;
#[cfg(feature = "server")]
pub type AppRouter = omnidesk_core::route::ReferenceRouter;
