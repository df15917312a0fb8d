//! Server mode's widgets in the mode-agnostic views: the top bar's Connection status, the
//! signed-in agent and Sign out; the status bar's refusal bar.

use super::backend::Backend;
use crate::ui::components::connection_status::ConnectionStatus;
use crate::ui::components::refusal_bar::RefusalBar;
use crate::ui::components::sign_out::SignOut;
use crate::ui::context::{ModeSlots, Nav, Navigator};
use leptos::prelude::*;

/// Server mode's widgets in the mode-agnostic views: the top bar's Connection status, the
/// signed-in agent and Sign out; the status bar's refusal bar.
pub fn slots() -> ModeSlots {
    ModeSlots {
        top_bar: Some(ViewFn::from(|| view! { <TopBarControls /> })),
        status_bar: Some(ViewFn::from(|| view! { <RefusalBar /> })),
        dashboard: None,
    }
}

#[component]
fn TopBarControls() -> impl IntoView {
    let backend = expect_context::<Backend>();
    let nav = expect_context::<Navigator>();
    let sign_out = move || {
        let out = backend.sign_out();
        leptos::task::spawn_local(async move {
            out.await;
            nav.go("/signin", Nav::Replace);
        });
    };
    view! {
        <ConnectionStatus />
        <SignOut on_sign_out=sign_out />
    }
}
