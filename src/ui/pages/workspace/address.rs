//! The desk's child routes: they render nothing and keep the selected session on the address.
//! When the address changes — Back, Forward, a reload, a link — the session it names is
//! selected, opened again if the agent may see the item, or Home is shown with a message
//! saying why ([`crate::model::address::may_see`]).

use crate::model::address;
use crate::ui::context::{CentreView, SessionsHandle};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

/// `/`: Home is selected.
#[component]
pub fn HomeAddress() -> impl IntoView {
    let sessions = expect_context::<SessionsHandle>();
    sessions.follow_address(None, |_| Ok(()));
}

/// `/session/:item`: that conversation's session is selected.
#[component]
pub fn SessionAddress() -> impl IntoView {
    let sessions = expect_context::<SessionsHandle>();
    let centre = expect_context::<CentreView>();
    let params = use_params_map();
    let location = use_location();
    Effect::new(move |_| {
        let item = params
            .with(|p| p.get("item"))
            .and_then(|p| address::item_of_param(&p));
        let item = item.unwrap_or_else(|| omnidesk_core::ItemId::from(""));
        // The params of a route being left may still name its item while the address is
        // already elsewhere (closing the selected session replaces it with Home's).
        let here = location.pathname.get_untracked();
        if !here.ends_with(&address::session_path(Some(&item))) {
            return;
        }
        sessions.follow_address(Some(item), |item| {
            centre.peek(|c| address::may_see(c.engine.state(), &c.me, item))
        });
    });
}
